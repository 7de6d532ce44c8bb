"""Stopping the demo with SIGTERM stops its worker too, and its links follow where it is served."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tandem.demo.serving import site_url_for


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, just not yet reaped
        return stat.read().split()[2] != "Z"


def test_sigterm_to_the_demo_stops_its_worker(tmp_path):
    pid_file = tmp_path / "worker.pid"
    script = textwrap.dedent(
        f"""
        import sys, time
        from tandem.demo.serving import serve_with_worker
        worker = [sys.executable, "-c",
                  "import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
                  "time.sleep(120)"]
        serve_with_worker(lambda: time.sleep(120), worker, env={{}})
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tandem.settings"}
    demo = subprocess.Popen([sys.executable, "-c", script], env=env)
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.1)
    worker_pid = int(pid_file.read_text())
    assert _alive(worker_pid)

    demo.send_signal(signal.SIGTERM)
    assert demo.wait(timeout=20) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 10
    while _alive(worker_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker_pid)


@pytest.mark.parametrize(
    ("addr", "url"),
    [("127.0.0.1:8123", "http://127.0.0.1:8123"), ("9000", "http://127.0.0.1:9000")],
)
def test_demo_links_follow_the_address_it_serves_on(addr, url, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert site_url_for(addr) == url
