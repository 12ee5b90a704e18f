"""Lists at group scale (make bench SCALE=1; issue 7 §6, R-PLT-6).

Times every list page and list API endpoint, the audit page's deep keyset page and a search, and
the busiest enterprise's detail page, for a headquarters user and a park user, on three
PostgreSQL databases: the demo park (seed_demo, for reference), one park's share of the group
(seed_scale with 1 park, 500 enterprises, 5,000 alerts, 50,000 audit events: every first page
full) and the group (seed_scale: 20 parks, 10,000 enterprises, 100,000 alerts, 1,000,000 audit
events). Each database is created and prepared if needed (migrate; seed_demo / seed_scale are
idempotent) and measured in its own process through the Django test client. Checks, for every
row: p95 at scale ≤ 150 ms, and the median at scale ≤ 1.5 × the median at one park's size (how
much a list grows with the data, pages equally full). Results are printed and written to
bench/results/scale-latest.txt.

    .venv/bin/python bench/scale.py [--repeat 30]
    env: BENCH_DEMO_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parkflow_scale_demo)
         BENCH_PARK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parkflow_scale_park)
         BENCH_SCALE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parkflow_scale)
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URLS = {
    "demo": "postgres://postgres@127.0.0.1:5432/parkflow_scale_demo",
    "park": "postgres://postgres@127.0.0.1:5432/parkflow_scale_park",
    "scale": "postgres://postgres@127.0.0.1:5432/parkflow_scale",
}
# The growth baseline: one park's share of the group from the same generator (1/20 of every
# table), so that its first pages are as full as at scale. The demo park's lists hold 1-4 rows,
# and a page of 20-50 rows against a page of 4 measures rendering, not growth with the data
# (docs/decisions.md D31).
PARK_SHARE = ["--parks", "1", "--enterprises", "500", "--alerts", "5000", "--events", "50000"]
P95_LIMIT_MS = 150.0
GROWTH_LIMIT = 1.5
# The same people in both data sets: seed_scale names its headquarters staff like the demo's.
PARK_USER = {"demo": "biz_a", "park": "biz_01_1", "scale": "biz_01_1"}
HQ_USER = "office"

# (label, path, who): who is "hq" or "park"; {busiest}, {deep}, {search} are filled per database.
TARGETS = [
    ("workbench", "/", "hq"),
    ("workbench (park)", "/", "park"),
    ("alerts inbox", "/alerts/", "hq"),
    ("alerts inbox (park)", "/alerts/", "park"),
    ("alerts all", "/alerts/?status=all", "hq"),
    ("alerts resolved", "/alerts/?status=resolved", "hq"),
    ("audit page", "/audit/", "hq"),
    ("audit deep page", "/audit/?before={deep}", "hq"),
    ("audit search", "/audit/?q={search}", "hq"),
    ("audit action filter", "/audit/?action=enterprise.update", "hq"),
    ("enterprises", "/enterprises/", "hq"),
    ("enterprises (park)", "/enterprises/", "park"),
    ("enterprises search", "/enterprises/?q={search}", "hq"),
    ("enterprises resident", "/enterprises/?status=resident", "hq"),
    ("enterprises page 100", "/enterprises/?page=100", "hq"),
    ("applications", "/enterprises/applications/", "hq"),
    ("results", "/enterprises/results/", "hq"),
    ("spot checks", "/enterprises/spot-checks/", "hq"),
    ("brands", "/enterprises/brands/", "hq"),
    ("tariffs", "/enterprises/tariffs/", "hq"),
    ("conflicts", "/enterprises/conflicts/", "hq"),
    ("imports", "/enterprises/import/", "hq"),
    ("rules", "/rules/", "hq"),
    ("contacts", "/org/contacts/", "hq"),
    ("people", "/org/people/", "hq"),
    ("api enterprises", "/api/v1/enterprises/", "hq"),
    ("api enterprises (park)", "/api/v1/enterprises/", "park"),
    ("api alerts", "/api/v1/alerts/", "hq"),
    ("api alerts all", "/api/v1/alerts/?status=all", "hq"),
    ("api reviews", "/api/v1/reviews/", "hq"),
    ("api published results", "/api/v1/published-results/", "hq"),
    ("api protected brands", "/api/v1/protected-brands/", "hq"),
    ("api conflicts", "/api/v1/conflicts/", "hq"),
    ("api admission tariffs", "/api/v1/admission-tariffs/", "hq"),
    ("api spot checks", "/api/v1/spot-checks/", "hq"),
    ("api imports", "/api/v1/imports/", "hq"),
    ("api rules", "/api/v1/rules/", "hq"),
    ("api org units", "/api/v1/org/units/", "hq"),
    ("api emergency contacts", "/api/v1/org/emergency-contacts/", "hq"),
    ("api compliance records", "/api/v1/org/compliance-records/", "hq"),
    ("api enterprise audit trail", "/api/v1/enterprises/{busiest}/audit/", "hq"),
    ("busiest enterprise detail", "/enterprises/{busiest}/", "hq"),
]
# Rows held to the "≤ 150 ms" limit only (not lists: their cost is the object, not the table).
DETAIL_ROWS = {"busiest enterprise detail"}


def _summary(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median": statistics.median(ordered) * 1000, "p95": p95 * 1000, "n": len(ordered)}


def _create_database(url: str) -> None:
    """A fresh machine has no bench databases: create the one named in ``url`` if it is missing."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def measure(kind: str, repeat: int) -> dict:
    """Runs in a child process with DATABASE_URL set: prepare the data, time every target."""
    import django

    _create_database(os.environ["DATABASE_URL"])

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Count, Max, Min
    from django.test import Client

    from parkflow.core.models import Alert, AuditEvent
    from parkflow.enterprises.models import Enterprise
    from parkflow.org.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if kind == "demo":
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    elif kind == "park":
        call_command("seed_scale", *PARK_SHARE)
    else:
        call_command("seed_scale")
    seed_seconds = time.perf_counter() - started
    counts = {
        "enterprises": Enterprise.objects.count(),
        "alerts": Alert.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }
    busiest_row = (
        AuditEvent.objects.filter(content_type__model="enterprise")
        .values("object_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    busiest = Enterprise.objects.get(pk=busiest_row["object_id"])
    bounds = AuditEvent.objects.aggregate(low=Min("id"), high=Max("id"))
    # "Page 10,000" of 50 rows at scale: half a million events back; at demo size, halfway.
    depth = 500_000 if kind == "scale" else (bounds["high"] - bounds["low"]) // 2
    fill = {
        "busiest": busiest.pk,
        "deep": max(bounds["high"] - depth, bounds["low"] + 1),
        "search": busiest.name[:8],
    }
    clients = {}
    for who, username in (("hq", HQ_USER), ("park", PARK_USER[kind])):
        client = Client()
        client.force_login(User.objects.get(username=username))
        clients[who] = client
    results = {}
    for label, path, who in TARGETS:
        url = path.format(**fill)
        client = clients[who]
        response = client.get(url)
        if response.status_code != 200:
            results[label] = {"error": f"HTTP {response.status_code}", "url": url}
            continue
        client.get(url)
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            samples.append(time.perf_counter() - start)
        # The database's share of one request (DEBUG keeps the queries): what grows with the
        # tables, as opposed to rendering, which grows with the rows on the page.
        reset_queries()
        client.get(url)
        sql_ms = sum(float(q["time"]) for q in connection.queries) * 1000
        results[label] = {
            **_summary(samples),
            "samples": samples,
            "url": url,
            "bytes": len(response.content),
            "queries": len(connection.queries),
            "sql_ms": sql_ms,
        }
    events = AuditEvent.objects.filter(content_type__model="enterprise", object_id=str(busiest.pk))
    return {
        "kind": kind,
        "database": f"{connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}",
        "seed_seconds": round(seed_seconds, 1),
        "counts": counts,
        "busiest": {"id": busiest.pk, "name": busiest.name, "events": events.count()},
        "results": results,
    }


def _child(kind: str, repeat: int) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get(f"BENCH_{kind.upper()}_DATABASE_URL", DEFAULT_URLS[kind])
    work = Path(tempfile.mkdtemp(prefix=f"parkflow-bench-{kind}-"))
    var = ROOT / "var" / f"bench-{kind}"  # digests and key of this bench database
    env.update(
        DJANGO_SETTINGS_MODULE="parkflow.settings",
        DEBUG="1",
        PARKFLOW_VAR_DIR=str(var),
        MEDIA_ROOT=str(var / "files"),
        HUEY_IMMEDIATE="1",
        AXES_ENABLED="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )
    out = work / "result.json"
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, __file__, "--child", kind, "--repeat", str(repeat), "--out", str(out)],
        env=env,
        check=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))


def _machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    load = os.getloadavg()
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU ({cpu}), "
        f"{mem_kb // 1024 // 1024} GB RAM, Python {platform.python_version()}; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end of the run"
    )


def report(demo: dict, park: dict, scale: dict, repeat: int) -> tuple[str, bool]:
    lines = [
        "# make bench SCALE=1 — lists at group scale (issue 7 §6, R-PLT-6)",
        f"# machine: {_machine()}",
        f"# database: {scale['database']}; Django test client, in-process; {repeat} timed requests "
        "per row in all, in rounds taking the three data sets in turn, 2 warm-ups each round",
        f"# demo:  {demo['counts']} (seed_demo; for reference)",
        f"# park:  {park['counts']} (seed_scale {' '.join(PARK_SHARE)}: one park's share, "
        "the growth baseline)",
        f"# scale: {scale['counts']} (seed_scale took {scale['seed_seconds']} s in this run; "
        "a few seconds when it was already seeded)",
        f"# busiest enterprise: demo #{demo['busiest']['id']} ({demo['busiest']['events']} events),"
        f" park #{park['busiest']['id']} ({park['busiest']['events']} events),"
        f" scale #{scale['busiest']['id']} ({scale['busiest']['events']} events)",
        f"# checks: scale p95 ≤ {P95_LIMIT_MS:.0f} ms; scale median ≤ {GROWTH_LIMIT}× the median "
        "at one park's size (lists; the busiest detail is held to the 150 ms limit only)",
        "# vs demo: scale median / demo-park median, shown only: the demo's pages hold 1-4 rows",
        "# sql ms / queries: the scale request's database time and query count (one request)",
        "",
        f"{'row':30} {'demo p50':>8} {'park p50':>8} {'scale p50':>9} {'scale p95':>9} "
        f"{'growth':>7} {'vs demo':>7} {'sql ms':>6} {'queries':>7}  verdict",
    ]
    ok = True
    for label, _path, _who in TARGETS:
        d, p, s = (run["results"].get(label, {}) for run in (demo, park, scale))
        errors = [r.get("error", "") for r in (d, p, s) if "error" in r or not r]
        if errors:
            lines.append(f"{label:30} {' '.join(errors)}  FAIL (not 200)")
            ok = False
            continue
        growth = s["median"] / p["median"] if p["median"] else 0
        vs_demo = s["median"] / d["median"] if d["median"] else 0
        problems = []
        if s["p95"] > P95_LIMIT_MS:
            problems.append(f"p95>{P95_LIMIT_MS:.0f}")
        if label not in DETAIL_ROWS and growth > GROWTH_LIMIT:
            problems.append(f"growth>{GROWTH_LIMIT}")
        ok = ok and not problems
        lines.append(
            f"{label:30} {d['median']:8.1f} {p['median']:8.1f} {s['median']:9.1f} {s['p95']:9.1f} "
            f"{growth:6.2f}x {vs_demo:6.2f}x {s['sql_ms']:6.1f} {s['queries']:7d}  "
            f"{'ok' if not problems else 'FAIL ' + ' '.join(problems)}"
        )
    lines += ["", f"overall: {'PASS' if ok else 'FAIL'}"]
    return "\n".join(lines) + "\n", ok


def _merge(runs: list[dict]) -> dict:
    """One data set's rounds as one result: every round's samples pooled per row."""
    merged = dict(runs[-1], results={})
    for label, last in runs[-1]["results"].items():
        if "error" in last:
            merged["results"][label] = last
            continue
        samples = [x for run in runs for x in run["results"][label]["samples"]]
        merged["results"][label] = {**last, **_summary(samples), "samples": samples}
    return merged


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per row, in all")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the data sets are measured in turn, this many times each, so that another load on "
        "the machine weighs on all three alike",
    )
    parser.add_argument("--child", choices=sorted(DEFAULT_URLS))
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        result = measure(args.child, args.repeat)
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0
    per_round = max(1, args.repeat // args.rounds)
    runs = {kind: [] for kind in ("demo", "park", "scale")}
    kinds = list(runs)
    for round_ in range(args.rounds):
        # Each round starts with another data set, so none is always measured last.
        for kind in kinds[round_ % 3 :] + kinds[: round_ % 3]:
            runs[kind].append(_child(kind, per_round))
    demo, park, scale = (_merge(kind_runs) for kind_runs in runs.values())
    text, ok = report(demo, park, scale, per_round * args.rounds)
    target = ROOT / "bench" / "results" / "scale-latest.txt"
    target.write_text(text, encoding="utf-8")
    for run in (demo, park, scale):
        for row in run["results"].values():
            row.pop("samples", None)
    (ROOT / "bench" / "results" / "scale-latest.json").write_text(
        json.dumps({"demo": demo, "park": park, "scale": scale}, ensure_ascii=False, indent=1)
        + "\n",
        encoding="utf-8",
    )
    print(text)
    print(f"written to {target}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
