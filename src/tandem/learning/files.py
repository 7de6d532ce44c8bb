"""Uploaded library files: what may be uploaded (type by extension *and* content, size), and
where it lives (``MEDIA_ROOT/library``, a 0700 folder of 0600 files named by a random id)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tandem.core.errors import ApplicationError, FieldError

_ZIP = (b"PK\x03\x04",)


@dataclass(frozen=True)
class FileType:
    content_type: str
    signatures: tuple[bytes, ...]  # empty: text, checked as UTF-8 without NUL bytes


ALLOWED: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", (b"%PDF-",)),
    ".docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP
    ),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP
    ),
    ".odt": FileType("application/vnd.oasis.opendocument.text", _ZIP),
    ".png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": FileType("text/plain; charset=utf-8", ()),
    ".md": FileType("text/markdown; charset=utf-8", ()),
    ".csv": FileType("text/csv; charset=utf-8", ()),
}


def allowed_list() -> str:
    return ", ".join(sorted(ext.lstrip(".").upper() for ext in ALLOWED))


def library_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "library"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def check_upload(name: str, data: bytes) -> str:
    """The content type to serve ``data`` with; refuses what is too big, of a type we do not
    take, or whose content is not what its name says."""
    limit = settings.TANDEM_LIBRARY_MAX_BYTES
    if len(data) > limit:
        raise _refuse(
            f"“{name}” is {len(data) / 1_048_576:.1f} MB; files may be at most "
            f"{limit / 1_048_576:.0f} MB."
        )
    if not data:
        raise _refuse(f"“{name}” is empty.")
    kind = ALLOWED.get(Path(name).suffix.lower())
    if kind is None:
        raise _refuse(f"“{name}”: this type of file is not accepted. Upload {allowed_list()}.")
    if kind.signatures and not data.startswith(kind.signatures):
        raise _refuse(f"“{name}” does not contain what its name says; it was not accepted.")
    if not kind.signatures:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(f"“{name}” is not UTF-8 text.") from None
        if "\x00" in text:
            raise _refuse(f"“{name}” is not plain text.")
    return kind.content_type


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, [FieldError(message, field="file")])


def store(data: bytes) -> str:
    """Write ``data`` to a new 0600 file; return its name on disk."""
    stored = secrets.token_hex(16)
    fd = os.open(library_dir() / stored, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return stored


def path_of(stored_name: str) -> Path | None:
    if not stored_name or not stored_name.isalnum():
        return None
    path = library_dir() / stored_name
    return path if path.is_file() else None


def remove(stored_name: str) -> None:
    path = path_of(stored_name)
    if path is not None:
        path.unlink(missing_ok=True)
