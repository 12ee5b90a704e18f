"""The audit chain at scale (make bench; issue 8 §7, decision D44).

On a PostgreSQL database holding 1,000,000 audit events (built once by ``seed_scale``), measures:

* **appends per second** through ``audit.record()`` inside a real ``@service`` that does nothing
  else, with 1 and with 8 writer processes, each call one transaction; and **service writes per
  second** through a service as a domain writes one (it locks its enterprise row ``FOR NO KEY
  UPDATE``, updates it and audits the change), each writer on its own enterprise. After the
  design of D44 writers also seal after their commits, so the numbers include sealing;
* **verification speed**: a full verification of the whole chain (``audit.verify_chain``), in
  events per second, and an incremental one from the checkpoint after 10,000 more events;
* **the longest wait of a writer while a rule sweep opens 1,000 alerts**: four writers call the
  service in a loop while a sweep of a bench rule opens an alert for each of 1,000 enterprises;
  the longest call that overlapped the sweep, against the writers' usual call.

Each measurement runs ``--repeat`` times; the medians are reported. ``--code DIR`` runs the same
measurements with the code of another checkout (e.g. ``main`` in a temporary worktree, for the
"before" numbers, on its own database): ``--label before`` stores them in
bench/results/audit-before.json, which every later report shows next to the current numbers.

    .venv/bin/python bench/audit.py [--events 1000000] [--seconds 8] [--repeat 3]
    .venv/bin/python bench/audit.py --code /tmp/main-checkout --label before \\
        --database-url postgres://postgres@127.0.0.1:5432/pf_audit_bench_before
    env: BENCH_AUDIT_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pf_audit_bench)

Results: bench/results/audit-latest.txt (and .json).
"""

import argparse
import io
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pf_audit_bench"
RESULTS = ROOT / "bench" / "results"
SWEEP_RULE = "bench.audit_sweep"
SWEEP_ALERTS = 1000
SWEEP_WRITERS = 4
WRITER_ENTERPRISES = 16  # the writers' own rows, never among the sweep's


def _setup(code: Path, url: str, workdir: Path) -> None:
    sys.path.insert(0, str(code))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="parkflow.settings",
        DATABASE_URL=url,
        DEBUG="0",
        PARKFLOW_VAR_DIR=str(workdir / "var"),
        MEDIA_ROOT=str(workdir / "files"),
        HUEY_IMMEDIATE="1",
        AXES_ENABLED="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from parkflow.core import audit_actions

    # The bench's own codes, with labels, so that a design refusing unregistered codes accepts
    # them (and main, which does not check, is unaffected).
    audit_actions.register({"bench.touch": ("压测：修改企业", "{actor} 修改了“{object}”（压测）")})


def _ensure_database(url: str) -> None:
    import psycopg

    admin, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(events: int) -> dict:
    from django.core.management import call_command

    from parkflow.core.models import AuditEvent
    from parkflow.enterprises.models import Enterprise

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if AuditEvent.objects.count() < events or Enterprise.objects.count() < 1200:
        call_command(
            "seed_scale",
            parks=2,
            enterprises=1200,
            alerts=1000,
            events=events,
            stdout=io.StringIO(),
        )
    return {"events_before": AuditEvent.objects.count(), "prepare_s": time.perf_counter() - started}


# ---------------------------------------------------------------------------------------------
# The service the writers call: a real @service, as a domain writes one


def _service(kind: str = "record"):
    """``record``: a service that audits and does nothing else (the audit chain's own cost, what
    the goal counts); ``domain``: one that locks its enterprise, updates it and audits it."""
    from parkflow.core import audit
    from parkflow.core.db import service
    from parkflow.enterprises.models import Enterprise

    @service
    def bench_record(*, actor, enterprise_id: int, n: int):
        audit.record(
            actor,
            "bench.touch",
            None,
            after={"enterprise": enterprise_id, "n": n},
            object_repr=f"压测企业 {enterprise_id}",
        )

    if kind == "record":
        return bench_record

    @service
    def bench_touch(*, actor, enterprise_id: int, n: int):
        row = Enterprise.objects.select_for_update(of=("self",), no_key=True).get(pk=enterprise_id)
        phone = f"139{n % 100_000_000:08d}"
        Enterprise.objects.filter(pk=row.pk).update(contact_phone=phone)
        audit.record(
            actor,
            "bench.touch",
            row,
            before={"contact_phone": row.contact_phone},
            after={"contact_phone": phone},
        )

    return bench_touch


def _writer(
    kind: str, enterprise_id: int, actor_id: int, start_at: float, stop_at: float, out
) -> None:
    from django.db import connections

    from parkflow.org.models import User

    connections.close_all()  # a connection of its own, not the parent's
    touch = _service(kind)
    actor = User.objects.get(pk=actor_id)
    calls = []
    n = 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < stop_at:
        began = time.time()
        touch(actor=actor, enterprise_id=enterprise_id, n=n)
        calls.append((began, time.time()))
        n += 1
    connections.close_all()
    out.put(calls)


def _run_writers(
    count: int, seconds: float, enterprise_ids, actor_id: int, during=None, kind="record"
):
    """``count`` writer processes for ``seconds``; ``during()`` runs in this process meanwhile
    and returns its (start, end). Returns every call's (start, end) and during's window."""
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 1.0
    stop_at = start_at + seconds
    procs = [
        ctx.Process(
            target=_writer, args=(kind, enterprise_ids[i], actor_id, start_at, stop_at, out)
        )
        for i in range(count)
    ]
    for p in procs:
        p.start()
    window = None
    if during is not None:
        while time.time() < start_at + seconds / 3:
            time.sleep(0.01)
        window = during()
    calls = [c for _ in procs for c in out.get()]
    for p in procs:
        p.join()
    return calls, window


def _seal_all() -> float:
    """Seal what is left queued (a no-op before the seals existed); seconds taken."""
    from parkflow.core import audit

    started = time.perf_counter()
    if hasattr(audit, "seal_pending"):
        audit.seal_pending()
    return time.perf_counter() - started


def bench_appends(seconds: float, repeat: int, kind: str = "record") -> dict:
    from parkflow.core.models import AuditEvent
    from parkflow.enterprises.models import Enterprise
    from parkflow.org.models import User

    actor = User.objects.filter(is_active=True).order_by("id").first()
    ids = list(Enterprise.objects.order_by("-id").values_list("id", flat=True)[:WRITER_ENTERPRISES])
    result = {}
    for writers in (1, 8):
        rounds = []
        for _ in range(repeat):
            before = AuditEvent.objects.count()
            calls, _window = _run_writers(writers, seconds, ids, actor.pk, kind=kind)
            written = AuditEvent.objects.count() - before
            seal_s = _seal_all()
            latencies = sorted(end - start for start, end in calls)
            rounds.append(
                {
                    "events": written,
                    "per_second": written / seconds,
                    "p50_ms": statistics.median(latencies) * 1000,
                    "max_ms": latencies[-1] * 1000,
                    "left_to_seal_s": seal_s,
                }
            )
        result[f"{writers}_writers"] = {
            "per_second": statistics.median(r["per_second"] for r in rounds),
            "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
            "max_ms": statistics.median(r["max_ms"] for r in rounds),
            "left_to_seal_s": max(r["left_to_seal_s"] for r in rounds),
            "rounds": rounds,
        }
    return result


def bench_verify(repeat: int) -> dict:
    from parkflow.core import audit
    from parkflow.core.models import AuditEvent

    _seal_all()
    rounds = []
    for _ in range(repeat):
        started = time.perf_counter()
        report = audit.verify_chain()
        seconds = time.perf_counter() - started
        assert report.ok, report
        rounds.append({"events": report.checked, "seconds": seconds})
    result = {
        "events": rounds[0]["events"],
        "seconds": statistics.median(r["seconds"] for r in rounds),
        "per_second": statistics.median(r["events"] / r["seconds"] for r in rounds),
        "rounds": rounds,
        "table_events": AuditEvent.objects.count(),
    }
    try:
        from parkflow.core import audit_digest, audit_verify
    except ImportError:
        return result  # before the background verifications existed
    # Incremental: a signed checkpoint at the head, 10,000 more events, resume from it.
    audit_verify.run_now(full=True)
    ids = [e.pk for e in _some_enterprises(10)]
    from parkflow.core.db import service

    @service
    def append(n):
        for i in range(n):
            audit.record(None, "bench.touch", None, after={"i": i, "e": ids[i % len(ids)]})

    for _ in range(10):
        append(1000)
    _seal_all()
    started = time.perf_counter()
    report = audit_digest.verify(checkpoint=audit_verify.latest_checkpoint())
    seconds = time.perf_counter() - started
    assert report.ok, report.problem
    result["incremental"] = {
        "events": report.checked,
        "from_seq": report.from_seq,
        "head_seq": report.head_seq,
        "seconds": seconds,
    }
    return result


def _some_enterprises(n):
    from parkflow.enterprises.models import Enterprise

    return list(Enterprise.objects.order_by("id")[:n])


# ---------------------------------------------------------------------------------------------
# A sweep that opens 1,000 alerts while writers write


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else 0.0


def _register_sweep_rule(state: dict) -> None:
    from parkflow.core.rules import rule
    from parkflow.enterprises.models import Enterprise

    @rule(
        SWEEP_RULE,
        title="压测规则",
        articles=("Art.19",),
        requirement="R-MON-1",
        model="enterprises.Enterprise",
        message=lambda enterprise, params: f"压测：{enterprise.name}",
    )
    def bench_sweep(params, now):
        return Enterprise.objects.filter(pk__in=state["ids"] if state["on"] else [])


class _Detached:
    """The receivers of the alerts-opened signal (the notifications' outbox) detached
    meanwhile: the kernel's own write path, measured alone."""

    def __enter__(self):
        try:
            from parkflow.core import signals
        except ImportError:  # before the kernel had signals
            self.signal = None
            return self
        # alerts_opened (one signal per batch) since issue 8 §7; alert_opened before it.
        self.signal = getattr(signals, "alerts_opened", None) or signals.alert_opened
        self.saved = self.signal.receivers
        self.signal.receivers = []
        self.signal.sender_receivers_cache.clear()
        return self

    def __exit__(self, *exc):
        if self.signal is not None:
            self.signal.receivers = self.saved
            self.signal.sender_receivers_cache.clear()


def bench_sweep(seconds: float, repeat: int, detached: bool = False) -> dict:
    if detached:
        with _Detached():
            return bench_sweep(seconds, repeat)
    from parkflow.core import rules
    from parkflow.core.models import Alert
    from parkflow.enterprises.models import Enterprise
    from parkflow.org.models import User

    actor = User.objects.filter(is_active=True).order_by("id").first()
    writer_ids = list(
        Enterprise.objects.order_by("-id").values_list("id", flat=True)[:WRITER_ENTERPRISES]
    )
    sweep_ids = list(
        Enterprise.objects.exclude(pk__in=writer_ids)
        .order_by("id")
        .values_list("id", flat=True)[:SWEEP_ALERTS]
    )
    state = {"on": False, "ids": sweep_ids}
    _register_sweep_rule(state)
    rounds = []
    for _ in range(repeat):
        state["on"] = False
        rules.sweep_rule(SWEEP_RULE)  # resolves the previous round's alerts (not timed)
        _seal_all()
        state["on"] = True

        def sweep():
            began = time.time()
            opened, _resolved = rules.sweep_rule(SWEEP_RULE)
            assert opened == SWEEP_ALERTS, opened
            return began, time.time()

        calls, (began, ended) = _run_writers(
            SWEEP_WRITERS, seconds, writer_ids, actor.pk, during=sweep, kind="domain"
        )
        _seal_all()
        during = sorted(end - start for start, end in calls if start < ended and end > began)
        usual = sorted(end - start for start, end in calls if end < began or start > ended)
        rounds.append(
            {
                "sweep_ms": (ended - began) * 1000,
                "longest_wait_ms": during[-1] * 1000 if during else 0.0,
                "p99_during_ms": _p99(during) * 1000,
                "calls_during_sweep": len(during),
                "usual_p50_ms": statistics.median(usual) * 1000 if usual else 0.0,
                "usual_p99_ms": _p99(usual) * 1000,
                "usual_max_ms": usual[-1] * 1000 if usual else 0.0,
            }
        )
    state["on"] = False
    rules.sweep_rule(SWEEP_RULE)
    Alert.objects.filter(rule_code=SWEEP_RULE).count()
    return {
        "alerts": SWEEP_ALERTS,
        "writers": SWEEP_WRITERS,
        "sweep_ms": statistics.median(r["sweep_ms"] for r in rounds),
        "longest_wait_ms": statistics.median(r["longest_wait_ms"] for r in rounds),
        "usual_p50_ms": statistics.median(r["usual_p50_ms"] for r in rounds),
        "usual_max_ms": statistics.median(r["usual_max_ms"] for r in rounds),
        "p99_during_ms": statistics.median(r["p99_during_ms"] for r in rounds),
        "usual_p99_ms": statistics.median(r["usual_p99_ms"] for r in rounds),
        "rounds": rounds,
    }


# ---------------------------------------------------------------------------------------------
# Report


def _commit(code: Path) -> str:
    try:
        return subprocess.run(  # noqa: S603 - git on the checkout we were given
            ["git", "-C", str(code), "log", "-1", "--format=%h %s"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()[:90]
    except (OSError, subprocess.CalledProcessError):
        return "?"


def _line(label, before, after, unit, fmt="{:,.0f}"):
    def show(value):
        if fmt == "":
            return ""
        return "—" if value is None else fmt.format(value)

    return f"{label:58} {show(before):>12} {show(after):>12}  {unit}"


def _triple(sweep) -> str:
    if not sweep or "usual_p99_ms" not in sweep:
        return "—"
    return (
        f"{sweep['usual_p50_ms']:.1f} / {sweep['usual_p99_ms']:.1f} / {sweep['usual_max_ms']:.1f}"
    )


def report(after: dict, before: dict | None) -> str:
    b = before or {}

    def get(data, *path):
        for key in path:
            if not isinstance(data, dict) or key not in data:
                return None
            data = data[key]
        return data

    lines = [
        "# make bench — the audit chain at scale (bench/audit.py; issue 8 §7, docs/decisions.md)",
        f"# machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU, Python "
        f"{platform.python_version()}; shared with other jobs (load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end of this run)",
        f"# after:  {after['commit']} — {after['database']}, {after['events_before']:,} events",
        f"# before: {b.get('commit', 'not measured')} — {b.get('database', '')}"
        + (f", {b['events_before']:,} events; measured {b['measured_at']}" if before else ""),
        f"# medians of {after['repeat']} runs each; writers are processes, one event per service "
        f"call (one transaction); {after['seconds']:g} s per run",
        "",
        f"{'':58} {'before':>12} {'after':>12}",
        _line(
            "appends/s, 1 writer, through record() in a @service",
            get(b, "appends", "1_writers", "per_second"),
            get(after, "appends", "1_writers", "per_second"),
            "events/s",
        ),
        _line(
            "appends/s, 8 writers (goal ≥ 2,000)",
            get(b, "appends", "8_writers", "per_second"),
            get(after, "appends", "8_writers", "per_second"),
            "events/s",
        ),
        _line(
            "  call p50, 8 writers",
            get(b, "appends", "8_writers", "p50_ms"),
            get(after, "appends", "8_writers", "p50_ms"),
            "ms",
            "{:,.1f}",
        ),
        _line(
            "service writes/s, 1 writer (lock a row, update it, audit it)",
            get(b, "domain", "1_writers", "per_second"),
            get(after, "domain", "1_writers", "per_second"),
            "events/s",
        ),
        _line(
            "service writes/s, 8 writers (each its own row)",
            get(b, "domain", "8_writers", "per_second"),
            get(after, "domain", "8_writers", "per_second"),
            "events/s",
        ),
        _line(
            "  left to seal after the writers stopped",
            get(b, "appends", "8_writers", "left_to_seal_s"),
            get(after, "appends", "8_writers", "left_to_seal_s"),
            "s",
            "{:,.2f}",
        ),
        _line(
            "full verification (goal ≥ 100,000/s)",
            get(b, "verify", "per_second"),
            get(after, "verify", "per_second"),
            "events/s",
        ),
        _line(
            "  seconds for the whole chain (goal ≤ 10 s at 1M)",
            get(b, "verify", "seconds"),
            get(after, "verify", "seconds"),
            f"s ({get(after, 'verify', 'events') or 0:,} events)",
            "{:,.1f}",
        ),
        _line(
            "incremental verification from the checkpoint",
            get(b, "verify", "incremental", "seconds"),
            get(after, "verify", "incremental", "seconds"),
            f"s ({get(after, 'verify', 'incremental', 'events') or 0:,} events after it)",
            "{:,.2f}",
        ),
        _line(
            "longest writer call while a sweep opens 1,000 alerts (≤ 100)",
            get(b, "sweep", "longest_wait_ms"),
            get(after, "sweep", "longest_wait_ms"),
            "ms",
            "{:,.1f}",
        ),
        _line(
            "  p99 of the writers' calls during the sweep",
            get(b, "sweep", "p99_during_ms"),
            get(after, "sweep", "p99_during_ms"),
            "ms",
            "{:,.1f}",
        ),
        _line(
            "  the writers' calls outside the sweep: p50 / p99 / max",
            None if not b.get("sweep") else 0,
            None if not after.get("sweep") else 0,
            "ms: before " + _triple(get(b, "sweep")) + ", after " + _triple(get(after, "sweep")),
            "",
        ),
        _line(
            "  the sweep itself (1,000 alerts, their events, their notices)",
            get(b, "sweep", "sweep_ms"),
            get(after, "sweep", "sweep_ms"),
            "ms",
            "{:,.0f}",
        ),
        _line(
            "the same, the kernel alone (the notifications' receivers detached)",
            get(b, "sweep_kernel", "longest_wait_ms"),
            get(after, "sweep_kernel", "longest_wait_ms"),
            "ms longest call",
            "{:,.1f}",
        ),
        _line(
            "  p99 of the writers' calls during the sweep",
            get(b, "sweep_kernel", "p99_during_ms"),
            get(after, "sweep_kernel", "p99_during_ms"),
            "ms",
            "{:,.1f}",
        ),
        _line(
            "  the writers' calls outside the sweep: p50 / p99 / max",
            None if not b.get("sweep_kernel") else 0,
            None if not after.get("sweep_kernel") else 0,
            "ms: before "
            + _triple(get(b, "sweep_kernel"))
            + ", after "
            + _triple(get(after, "sweep_kernel")),
            "",
        ),
        _line(
            "  the sweep itself",
            get(b, "sweep_kernel", "sweep_ms"),
            get(after, "sweep_kernel", "sweep_ms"),
            "ms",
            "{:,.0f}",
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose code to run")
    parser.add_argument("--label", choices=["after", "before"], default="after")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_AUDIT_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--only", nargs="*", choices=["appends", "verify", "sweep"])
    args = parser.parse_args()
    url = args.database_url
    if "parkflow_scale" in url:
        raise SystemExit("refusing a parkflow_scale* database: use your own (pf_audit_bench*)")
    workdir = Path(tempfile.mkdtemp(prefix="parkflow-audit-bench-"))
    try:
        _ensure_database(url)
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL here: this bench is about PostgreSQL
        print(f"bench/audit.py: PostgreSQL not reachable ({exc}); skipped")
        return 0
    _setup(args.code.resolve(), url, workdir)
    from django.db import connection

    results = {
        "commit": _commit(args.code),
        "database": f"{connection.vendor} {connection.pg_version}",
        "seconds": args.seconds,
        "repeat": args.repeat,
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    results.update(_prepare(args.events))
    print(f"prepared: {results['events_before']:,} events", flush=True)
    only = set(args.only or ["appends", "verify", "sweep"])
    if "appends" in only:
        results["appends"] = bench_appends(args.seconds, args.repeat)
        print("appends", json.dumps(results["appends"], default=str)[:400], flush=True)
        results["domain"] = bench_appends(args.seconds, args.repeat, kind="domain")
        print("domain", json.dumps(results["domain"], default=str)[:400], flush=True)
    if "sweep" in only:
        results["sweep"] = bench_sweep(args.seconds, args.repeat)
        print("sweep", json.dumps(results["sweep"], default=str)[:400], flush=True)
        results["sweep_kernel"] = bench_sweep(args.seconds, args.repeat, detached=True)
        print("sweep_kernel", json.dumps(results["sweep_kernel"], default=str)[:400], flush=True)
    if "verify" in only:
        results["verify"] = bench_verify(args.repeat)
        print("verify", json.dumps(results["verify"], default=str)[:400], flush=True)

    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / ("audit-before.json" if args.label == "before" else "audit-latest.json")
    if args.only and target.exists():  # a partial run updates those sections only
        results = {**json.loads(target.read_text(encoding="utf-8")), **results}
    target.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    if args.label == "before":
        print(f"written to {target}")
        return 0
    before_path = RESULTS / "audit-before.json"
    before = json.loads(before_path.read_text(encoding="utf-8")) if before_path.exists() else None
    text = report(results, before)
    (RESULTS / "audit-latest.txt").write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {RESULTS / 'audit-latest.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
