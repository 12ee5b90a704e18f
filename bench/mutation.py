"""Mutation pass over the permission, scoping, audit and gate calls (§5 of issue 6, D21).

Finds with ``ast`` every call of

* ``access.ensure(...)`` / ``access.ensure_somewhere(...)`` statements  -> ``pass``
* ``access.scope(user, qs)``                                            -> ``qs``
* ``access.get_for_user(user, qs, **lookup)``                           -> ``qs.get(**lookup)``
* ``audit.record(...)`` statements                                      -> ``pass``
* gate calls: ``gates.require_*`` / ``guards.ensure_*`` statements      -> ``pass``
* guards ``if not access.may(...)`` / ``may_somewhere`` / ``may_*(...)``  -> ``if False``
* owner filters ``.get/.filter(created_by=|user=|user_id=...)``       -> ``pk__isnull=False``
* ``parks = access.visible_park_ids(u)`` (a selector's scope)           -> ``parks = None``
  (what scopes an import batch or an API token to its owner)

in the service, view and API modules (``TARGETS``), makes one mutant per call, and runs the
tests against each mutant in a private copy of the tree (``--jobs`` copies in parallel). A
mutant is *killed* when some test fails. Prints killed/survived with locations; exits 1 if any
mutant survives.

    .venv/bin/python bench/mutation.py [--jobs 2] [--list] [--only PATH_SUBSTRING]

Tests run per mutant: first the generated permission tests (fast to fail), then, if all of
them passed, the tests of the mutated module's app. ``-x``: the first failure kills it. The
generated tests are run once on the unmutated copy first: any that fail there are deselected
(and listed), so that only a test the original passes can kill a mutant.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = [
    "parkflow/*/services*.py",
    "parkflow/enterprises/invitations.py",
    "parkflow/org/tokens.py",
    "parkflow/core/calendar_schedule.py",
    "parkflow/core/rules.py",
    "parkflow/*/views*.py",
    "parkflow/*/api*.py",
    "parkflow/core/alerts.py",
    "parkflow/enterprises/exports.py",
    "parkflow/enterprises/selectors.py",
    "parkflow/org/selectors.py",
]
GENERATED_TESTS = [
    "parkflow/core/tests/test_route_permissions.py",
    "parkflow/core/tests/test_service_permissions.py",
    "parkflow/core/tests/test_scoping_contracts.py",
]
STATEMENT_CALLS = {
    ("access", "ensure"),
    ("access", "ensure_somewhere"),
    ("audit", "record"),
}
GATE_OWNERS = {"gates": "require_", "guards": "ensure_"}
OWNER_KEYWORDS = {"created_by", "user", "user_id"}


def _is_predicate(node) -> bool:
    """A permission predicate: ``access.may``, ``access.may_somewhere`` or any ``may_*``."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("may", "may_somewhere") or name.startswith("may_")


@dataclasses.dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    kind: str
    start: int  # byte offsets in the file
    end: int
    replacement: bytes
    function: str = ""  # the enclosing function: picks the quick first test selection

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line} {self.kind}"


def _callee(node) -> tuple[str, str] | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
    ):
        return node.func.value.id, node.func.attr
    return None


def _offsets(source: bytes) -> list[int]:
    starts, pos = [0], 0
    for line in source.splitlines(keepends=True):
        pos += len(line)
        starts.append(pos)
    return starts


def find_mutants(path: Path) -> list[Mutant]:
    source = path.read_bytes()
    tree = ast.parse(source)
    starts = _offsets(source)
    rel = str(path.relative_to(ROOT))

    def span(node):
        return (
            starts[node.lineno - 1] + node.col_offset,
            starts[node.end_lineno - 1] + node.end_col_offset,
        )

    def text(node) -> bytes:
        a, b = span(node)
        return source[a:b]

    enclosing = {}
    # ast.walk is breadth-first: outer functions are seen first, so inner ones must win.
    for top in ast.walk(tree):
        if isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in ast.walk(top):
                enclosing[id(sub)] = top.name.strip("_")

    mutants = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.UnaryOp)
            and isinstance(node.test.op, ast.Not)
            and _is_predicate(node.test.operand)
            and any(isinstance(stmt, ast.Raise) for stmt in node.body)
        ):
            a, b = span(node.test)
            mutants.append(
                Mutant(
                    rel,
                    node.lineno,
                    "if not may(...) -> if False",
                    a,
                    b,
                    b"False",
                    enclosing.get(id(node), ""),
                )
            )
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "filter")
        ):
            for kw in node.keywords:
                # ``user=actor`` or ``user_id=actor.pk``, not a subquery's ``OuterRef("pk")``.
                if kw.arg in OWNER_KEYWORDS and isinstance(kw.value, ast.Name | ast.Attribute):
                    a, b = span(kw)
                    mutants.append(
                        Mutant(
                            rel,
                            kw.lineno,
                            f"owner filter {kw.arg}= -> dropped",
                            a,
                            b,
                            b"pk__isnull=False",
                            enclosing.get(id(node), ""),
                        )
                    )
        if isinstance(node, ast.Assign) and _callee(node.value) == ("access", "visible_park_ids"):
            a, b = span(node.value)
            mutants.append(
                Mutant(
                    rel,
                    node.lineno,
                    "access.visible_park_ids -> None",
                    a,
                    b,
                    b"None",
                    enclosing.get(id(node), ""),
                )
            )
        if isinstance(node, ast.Expr):
            callee = _callee(node.value)
            if callee is None:
                continue
            owner, name = callee
            gate = owner in GATE_OWNERS and name.startswith(GATE_OWNERS[owner])
            if callee in STATEMENT_CALLS or gate:
                a, b = span(node)
                mutants.append(
                    Mutant(
                        rel,
                        node.lineno,
                        f"{owner}.{name} -> pass",
                        a,
                        b,
                        b"pass",
                        enclosing.get(id(node), ""),
                    )
                )
        elif isinstance(node, ast.Call):
            callee = _callee(node)
            if callee == ("access", "scope") and len(node.args) == 2:
                a, b = span(node)
                qs = b"(" + text(node.args[1]) + b")"
                mutants.append(
                    Mutant(
                        rel,
                        node.lineno,
                        "access.scope(u, qs) -> qs",
                        a,
                        b,
                        qs,
                        enclosing.get(id(node), ""),
                    )
                )
            elif callee == ("access", "get_for_user") and len(node.args) == 2:
                a, b = span(node)
                lookup = b", ".join(
                    (kw.arg.encode() + b"=" if kw.arg else b"**") + text(kw.value)
                    for kw in node.keywords
                )
                qs = b"(" + text(node.args[1]) + b").get(" + lookup + b")"
                mutants.append(
                    Mutant(
                        rel,
                        node.lineno,
                        "access.get_for_user -> qs.get",
                        a,
                        b,
                        qs,
                        enclosing.get(id(node), ""),
                    )
                )
    return sorted(mutants, key=lambda m: (m.path, m.start))


def all_mutants() -> list[Mutant]:
    files = sorted({p for pattern in TARGETS for p in ROOT.glob(pattern)})
    return [m for path in files if "/tests/" not in str(path) for m in find_mutants(path)]


# Quick first selections (pytest -k) by module, when the enclosing function's name says little.
MODULE_KEYWORDS = {
    "parkflow/core/alerts.py": "alert",
    "parkflow/core/views.py": "core or review or audit",
    "parkflow/enterprises/exports.py": "export",
    "parkflow/org/views.py": "org",
    "parkflow/org/api.py": "org or contact",
}


def tests_for(mutant: Mutant) -> list[list[str]]:
    """Cheapest first: the generated tests matching the enclosing function (or the module),
    then all generated tests, then the app's own tests."""
    app = mutant.path.split("/")[1]
    words = [w for w in (mutant.function, MODULE_KEYWORDS.get(mutant.path)) if w]
    quick = [[*GENERATED_TESTS, "-k", " or ".join(f"({w})" for w in words)]] if words else []
    return [*quick, GENERATED_TESTS, [f"parkflow/{app}/tests"]]


def _copy_tree(dest: Path) -> None:
    for name in ("parkflow", "conftest.py", "pyproject.toml", "manage.py"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(
                src,
                dest / name,
                ignore=shutil.ignore_patterns("__pycache__", "e2e", "*.pyc", "media", "var"),
            )
        else:
            shutil.copy2(src, dest / name)


def _pytest(workdir: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": str(workdir),
        "PYTHONDONTWRITEBYTECODE": "1",
        # A file test database kept between runs (--reuse-db): migrations run once per copy.
        "SQLITE_TEST_PATH": str(workdir / "test.sqlite3"),
        "SQLITE_PATH": str(workdir / "db.sqlite3"),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and test paths
        [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-m",
            "not e2e",
            "-p",
            "no:randomly",
            "--no-header",
            "--reuse-db",
            *args,
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def baseline_failures(workdir: Path) -> list[str]:
    """Generated tests that fail on the unmutated tree (a route added on another branch, say):
    they would "kill" every mutant, so they are deselected and reported instead."""
    result = _pytest(workdir, ["-rf", "--maxfail=1000", *GENERATED_TESTS])
    failing = []
    for line in result.stdout.splitlines():
        if line.startswith("FAILED "):
            failing.append(line.split()[1])
    return failing


def run_mutant(
    mutant: Mutant, workdir: Path, deselect: list[str] = ()
) -> tuple[Mutant, bool, str, float]:
    target = workdir / mutant.path
    original = target.read_bytes()
    mutated = original[: mutant.start] + mutant.replacement + original[mutant.end :]
    started = time.monotonic()
    try:
        target.write_bytes(mutated)
        for selection in tests_for(mutant):
            result = _pytest(workdir, [*deselect, *selection])
            if result.returncode not in (0, 5):  # 5: the quick selection matched no test
                last = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
                reason = last[0] if last else result.stdout.strip().splitlines()[-1:]
                return mutant, True, str(reason), time.monotonic() - started
        return mutant, False, "", time.monotonic() - started
    finally:
        target.write_bytes(original)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    parser.add_argument("--only", default="", help="only mutants whose path contains this")
    parser.add_argument(
        "--at", action="append", default=[], help="only the mutant at PATH:LINE (repeatable)"
    )
    args = parser.parse_args()

    mutants = [m for m in all_mutants() if args.only in m.path]
    if args.at:
        mutants = [m for m in mutants if f"{m.path}:{m.line}" in args.at]
    if args.list:
        for m in mutants:
            print(m.where)
        print(f"{len(mutants)} mutants")
        return 0

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="parkflow-mutation-") as tmp:
        workdirs = []
        for i in range(args.jobs):
            workdir = Path(tmp) / f"w{i}"
            workdir.mkdir()
            _copy_tree(workdir)
            workdirs.append(workdir)
        failing = baseline_failures(workdirs[0])
        deselect = [arg for nodeid in failing for arg in ("--deselect", nodeid)]
        for nodeid in failing:
            print(f"baseline: fails unmutated, deselected: {nodeid}", flush=True)
        free = list(workdirs)
        killed, survived = [], []
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            pending = {}
            queue = list(mutants)
            while queue or pending:
                while queue and free:
                    workdir = free.pop()
                    mutant = queue.pop(0)
                    pending[pool.submit(run_mutant, mutant, workdir, deselect)] = workdir
                done, _ = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    free.append(pending.pop(future))
                    mutant, was_killed, reason, seconds = future.result()
                    (killed if was_killed else survived).append(mutant)
                    state = "killed  " if was_killed else "SURVIVED"
                    print(f"{state} {mutant.where} ({seconds:.0f} s) {reason}", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(
        f"\n{len(mutants)} mutants: {len(killed)} killed, {len(survived)} survived "
        f"({minutes:.1f} min, {args.jobs} jobs)"
    )
    for m in survived:
        print(f"  survived: {m.where}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
