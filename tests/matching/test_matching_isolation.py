"""The engine must never import Django (it runs in the CLI and benchmarks without settings)."""

import subprocess
import sys
import textwrap


def test_engine_and_all_submodules_import_without_django():
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import tandem.matching as pkg
        for module in pkgutil.walk_packages(pkg.__path__, "tandem.matching."):
            importlib.import_module(module.name)
        leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
        print("LEAKED", leaked)
        sys.exit(1 if leaked else 0)
        """
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
