"""``manage.py serve``: the web server and the huey worker together (``make run``).

Each child runs in its own process group, so Ctrl-C (or SIGTERM) here stops both of them and
everything they started (runserver's autoreloader child included). If either child exits, the
other is stopped too and this command exits with that child's status.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from ._demo_data import accounts_table


class Command(BaseCommand):
    help = "同时启动 Web 服务与 huey 后台任务 / Run the web server and the huey worker together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args, host, port, no_worker=False, **options):
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
        commands = {"web": web}
        if not no_worker:
            commands["worker"] = [*manage, "run_huey"]

        self.stdout.write("")
        self.stdout.write(accounts_table())
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"ParkFlow: http://{host}:{port}/  （Ctrl-C 停止 / to stop）")
        )
        self.stdout.write(
            f"  管理后台 admin: http://{host}:{port}/admin/   API: http://{host}:{port}/api/docs/"
        )
        self.stdout.flush()

        children = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603
            for name, cmd in commands.items()
        }
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            if stopping:
                return
            stopping = True
            for child in children.values():
                _signal_group(child, signal.SIGTERM)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while not stopping:
                for name, child in children.items():
                    code = child.poll()
                    if code is not None:
                        self.stderr.write(f"{name} exited with status {code}; stopping the others")
                        exit_code = code or 1
                        stop()
                        break
                time.sleep(0.3)
        finally:
            stop()
            deadline = time.monotonic() + 10
            for child in children.values():
                try:
                    child.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    _signal_group(child, signal.SIGKILL)
                    child.wait()
                # runserver's autoreloader child lives in the same group: make sure it is gone.
                _signal_group(child, signal.SIGKILL)
        self.stdout.write("ParkFlow stopped.")
        if exit_code:
            raise SystemExit(exit_code)


def _signal_group(child: subprocess.Popen, signum) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)
