"""Serving the demo: the web server in this process, the worker beside it, and both gone when
the demo stops — by Ctrl-C *or* SIGTERM (which otherwise kills Python without running cleanup
and leaves the worker running)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Sequence
from types import FrameType

from django.conf import settings


def site_url_for(addr: str) -> str:
    """Links in the demo's emails point where it is served, unless SITE_URL says otherwise."""
    if os.environ.get("SITE_URL"):
        return str(settings.SITE_URL)
    host = addr if ":" in addr else f"127.0.0.1:{addr}"
    return f"http://{host}"


def use_site_url(url: str) -> None:
    settings.SITE_URL = url
    if url not in settings.CSRF_TRUSTED_ORIGINS:
        settings.CSRF_TRUSTED_ORIGINS = [*settings.CSRF_TRUSTED_ORIGINS, url]


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def serve_with_worker(
    serve: Callable[[], object], worker_command: Sequence[str], env: dict[str, str]
) -> None:
    """Run ``serve()`` with a worker process beside it; stop the worker however serving ends."""
    worker = subprocess.Popen(list(worker_command), env=env)  # noqa: S603 (our own command line)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        serve()
    finally:
        signal.signal(signal.SIGTERM, previous)
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
