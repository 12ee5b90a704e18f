"""``manage.py serve`` (issue 6 §8, D9): a worker that exits is restarted — with a log line,
within bounds — and the web server stays up; a web server that exits stops everything.

The supervisor runs throw-away commands here; its clock is a fake, so no test sleeps."""

import signal
import sys

import pytest

from parkflow.core.management.commands.serve import Supervisor

EXIT_1 = [sys.executable, "-c", "import sys; sys.exit(1)"]
RUN_LONG = [sys.executable, "-c", "import time; time.sleep(120)"]


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def lines():
    return []


def supervisor(lines, clock, *, web=RUN_LONG, worker=EXIT_1, **kwargs):
    options = {"max_restarts": 3, "window": 600.0, "backoff": 1.0, "monotonic": clock}
    options.update(kwargs)
    return Supervisor(web, worker, log=lines.append, **options)


def worker_exits(sup):
    """Wait for the current worker to end, then let the supervisor look."""
    sup.children["worker"].wait(timeout=30)
    assert sup.step() is True


def test_an_exited_worker_is_restarted_with_a_log_line_and_the_web_keeps_running(lines):
    clock = FakeClock()
    sup = supervisor(lines, clock)
    sup.start()
    try:
        web = sup.children["web"]
        first = sup.children["worker"]
        worker_exits(sup)
        assert "worker" not in sup.children  # waiting out the pause
        assert lines[-1] == (
            "worker exited with status 1; restarting in 1 s (restart 1 of at most 3 in 10 minutes)"
        )
        clock.now += 1
        assert sup.step() is True
        assert sup.children["worker"].pid != first.pid
        assert lines[-1].startswith("worker restarted (pid ")
        assert web.poll() is None
    finally:
        sup.shutdown()
    assert web.poll() is not None  # shut down with the supervisor


def test_the_pause_doubles_and_restarts_are_bounded_within_the_window(lines):
    clock = FakeClock()
    sup = supervisor(lines, clock)
    sup.start()
    try:
        delays = []
        for _restart in range(3):
            worker_exits(sup)
            delays.append(sup.worker_due - clock.now)
            clock.now = sup.worker_due
            sup.step()
        assert delays == [1.0, 2.0, 4.0]
        worker_exits(sup)  # the fourth exit within ten minutes
        assert lines[-1].startswith("ERROR: worker exited with status 1; it was restarted 3 times")
        assert "The web server keeps running" in lines[-1]
        clock.now += 60
        sup.step()
        assert "worker" not in sup.children  # not before the window allows it
        assert sup.children["web"].poll() is None
        clock.now = sup.worker_due
        sup.step()
        assert "worker" in sup.children  # the oldest restart aged out: one more try
    finally:
        sup.shutdown()


def test_when_the_web_server_exits_everything_stops_with_its_status(lines):
    clock = FakeClock()
    sup = supervisor(
        lines, clock, web=[sys.executable, "-c", "import sys; sys.exit(3)"], worker=RUN_LONG
    )
    sup.start()
    worker = sup.children["worker"]
    try:
        sup.children["web"].wait(timeout=30)
        assert sup.step() is False
        assert sup.exit_code == 3
        assert lines == ["web server exited with status 3; stopping the worker"]
    finally:
        sup.shutdown()
    assert worker.poll() == -signal.SIGTERM


def test_without_a_worker_only_the_web_server_runs(lines):
    sup = supervisor(lines, FakeClock(), worker=None)
    sup.start()
    try:
        assert set(sup.children) == {"web"}
        assert sup.step() is True
    finally:
        sup.shutdown()
