"""``manage.py serve``: the web server and the huey worker together (``make run`` / ``make dev``).

Each child runs in its own process group, so Ctrl-C (or SIGTERM) here stops both of them and
everything they started (runserver's autoreloader child included).

The web server is what people use: if it exits, everything stops and this command exits with its
status. The worker is restarted when it exits (decisions.md D9): after a growing pause (1 s, 2 s,
4 s … at most a minute), at most ``--worker-restarts`` times within ten minutes; past that the
supervisor logs an error and waits until the window allows the next restart. The web server stays
up throughout.
"""

import collections
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

RESTART_WINDOW = 600.0  # seconds
MAX_BACKOFF = 60.0


class Supervisor:
    """Runs ``web`` and ``worker`` (argument lists); restarts the worker within bounds.

    Every timing and the log are injectable, so the logic is tested with throw-away commands."""

    def __init__(
        self,
        web: list[str],
        worker: list[str] | None,
        *,
        log: Callable[[str], None],
        cwd=None,
        max_restarts: int = 5,
        window: float = RESTART_WINDOW,
        backoff: float = 1.0,
        max_backoff: float = MAX_BACKOFF,
        poll: float = 0.3,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.commands = {"web": web, "worker": worker}
        self.log = log
        self.cwd = cwd
        self.max_restarts = max_restarts
        self.window = window
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.poll = poll
        self.monotonic = monotonic
        self.children: dict[str, subprocess.Popen] = {}
        self.restarts: collections.deque[float] = collections.deque()
        self.worker_due: float | None = None  # when a stopped worker is started again
        self.stopping = False
        self.exit_code: int | None = None

    def _spawn(self, name: str) -> None:
        self.children[name] = subprocess.Popen(  # noqa: S603
            self.commands[name], cwd=self.cwd, start_new_session=True
        )

    def start(self) -> None:
        self._spawn("web")
        if self.commands["worker"]:
            self._spawn("worker")

    def step(self) -> bool:
        """One look at the children; False once the supervisor should stop."""
        if self.stopping:
            return False
        code = self.children["web"].poll()
        if code is not None:
            self.log(f"web server exited with status {code}; stopping the worker")
            self.exit_code = code or 1
            return False
        worker = self.children.get("worker")
        now = self.monotonic()
        if worker is not None and worker.poll() is not None:
            _signal_group(worker, signal.SIGKILL)  # anything it started goes with it
            del self.children["worker"]
            self._schedule_restart(worker.returncode, now)
        if self.worker_due is not None and now >= self.worker_due:
            self.worker_due = None
            self.restarts.append(now)
            self._spawn("worker")
            self.log(f"worker restarted (pid {self.children['worker'].pid})")
        return True

    def _schedule_restart(self, code: int, now: float) -> None:
        while self.restarts and now - self.restarts[0] >= self.window:
            self.restarts.popleft()
        recent = len(self.restarts)
        if recent >= self.max_restarts:
            # Bounded: no more than max_restarts in any window. Wait for the oldest to age out.
            due = self.restarts[0] + self.window
            self.log(
                f"ERROR: worker exited with status {code}; it was restarted {recent} times "
                f"in the last {self.window / 60:g} minutes, next attempt in "
                f"{due - now:.0f} s. The web server keeps running; background jobs "
                f"(rule sweeps, notifications) wait until then."
            )
        else:
            delay = min(self.backoff * 2**recent, self.max_backoff)
            due = now + delay
            self.log(
                f"worker exited with status {code}; restarting in {delay:g} s "
                f"(restart {recent + 1} of at most {self.max_restarts} "
                f"in {self.window / 60:g} minutes)"
            )
        self.worker_due = due

    def stop(self, signum=None, frame=None) -> None:
        self.stopping = True
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)

    def shutdown(self, timeout: float = 10) -> None:
        self.stop()
        deadline = time.monotonic() + timeout
        for child in self.children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
            # runserver's autoreloader child lives in the same group: make sure it is gone.
            _signal_group(child, signal.SIGKILL)

    def run(self) -> int:
        self.start()
        try:
            while self.step():
                time.sleep(self.poll)
        finally:
            self.shutdown()
        return self.exit_code or 0


class Command(BaseCommand):
    help = "同时启动 Web 服务与 huey 后台任务 / Run the web server and the huey worker together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="web server only")
        parser.add_argument(
            "--worker-restarts",
            type=int,
            default=5,
            help="restarts of an exited worker allowed within ten minutes",
        )

    def handle(self, *args, host, port, no_worker=False, worker_restarts=5, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if settings.DEBUG:
            web = [*manage, "runserver", f"{host}:{port}"]
        else:
            web = [
                sys.executable,
                "-m",
                "gunicorn",
                "parkflow.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                os.environ.get("WEB_CONCURRENCY", "3"),
                "--access-logfile",
                "-",
            ]
        worker = None if no_worker else [*manage, "run_huey"]

        self.stdout.write("")
        if "seed_demo" in get_commands():  # the demo logins, when the composition layer is there
            call_command("seed_demo", accounts=True, stdout=self.stdout._out)
        self.stdout.write("")
        mode = "DEBUG（开发模式）" if settings.DEBUG else "DEBUG 关闭"
        self.stdout.write(
            self.style.SUCCESS(
                f"ParkFlow: http://{host}:{port}/  （{mode}；Ctrl-C 停止 / to stop）"
            )
        )
        self.stdout.write(
            f"  管理后台 admin: http://{host}:{port}/admin/   API: http://{host}:{port}/api/docs/"
        )
        self.stdout.flush()

        def log(line: str) -> None:
            self.stderr.write(f"[serve] {line}")
            self.stderr.flush()

        supervisor = Supervisor(
            web, worker, log=log, cwd=settings.BASE_DIR, max_restarts=worker_restarts
        )
        signal.signal(signal.SIGINT, supervisor.stop)
        signal.signal(signal.SIGTERM, supervisor.stop)
        exit_code = supervisor.run()
        self.stdout.write("ParkFlow stopped.")
        if exit_code:
            raise SystemExit(exit_code)


def _signal_group(child: subprocess.Popen, signum) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)
