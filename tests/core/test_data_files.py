"""Issue 17: the embedded database and the secret key are readable by Tandem's account only."""

from __future__ import annotations

import stat

from django.conf import settings

from tandem.settings import private_data_dir, private_file


def test_data_directory_and_database_file_are_private(tmp_path):
    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    private_data_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    database = folder / "tandem.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o644)  # as an older version left it: world-readable
    private_file(database)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    fresh = private_file(folder / "new.sqlite3")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


def test_the_configured_data_directory_is_private():
    assert stat.S_IMODE(settings.DATA_DIR.stat().st_mode) & 0o077 == 0
