"""A first benchmark of the kernel (make bench).

Builds a throw-away SQLite database (or, with BENCH_DATABASE_URL, uses that database, which must
be empty: e.g. a freshly created PostgreSQL database), loads the demo park, scales it up with
bulk rows, and times what every later feature leans on: audit appends, chain verification, the
rule sweep, and the enterprise list page and API for a park user. Results go to
bench/results/latest-<database>.json and are printed.

    .venv/bin/python bench/run.py [--enterprises 2000] [--events 1000] [--repeat 15]
"""

import argparse
import io
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_env(workdir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="parkflow.settings",
        DEBUG="1",
        SQLITE_PATH=str(workdir / "bench.sqlite3"),
        PARKFLOW_VAR_DIR=str(workdir / "var"),
        MEDIA_ROOT=str(workdir / "files"),
        HUEY_IMMEDIATE="1",
        AXES_ENABLED="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )


def _timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def _summary(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "n": len(ordered),
    }


def _brand_check(repeat: int) -> dict:
    """The brand check (R-ENT-6, D20) on the labelled list: precision, recall and the time of
    one check against the 15 demo brands, as stored by seed_demo (one query + the matching)."""
    from parkflow.enterprises import brands
    from parkflow.enterprises.models import ProtectedBrand
    from parkflow.enterprises.tests import brand_cases

    def stored():
        return list(ProtectedBrand.objects.filter(is_active=True))

    brands._segmenter.update(jieba=None, words=frozenset())  # measure the cold start too
    cold = _timed(lambda: brands.find_hits("苏州华维通信设备有限公司", stored()))[0]
    result = brand_cases.evaluate(brands=stored())
    names = [case[0] for case in brand_cases.CASES]
    samples = []
    for _ in range(max(1, repeat // 5)):
        for name in names:
            samples += _timed(lambda name=name: brands.find_hits(name, stored()))
    result["brands"] = ProtectedBrand.objects.filter(is_active=True).count()
    result["precision"] = round(result["precision"], 4)
    result["recall"] = round(result["recall"], 4)
    result["per_check"] = _summary(samples)
    result["first_check_ms"] = round(cold * 1000, 1)
    return result


def _print_brand_check(result: dict) -> None:
    print("\nbrand check (R-ENT-6, labelled list parkflow/enterprises/tests/brand_cases.py)")
    print(
        f"  names {result['names']} = {result['impersonations']} impersonations "
        f"+ {result['ordinary']} ordinary, against {result['brands']} protected brands"
    )
    print(
        f"  TP {result['tp']}  FP {result['fp']}  FN {result['fn']}  TN {result['tn']}   "
        f"precision {result['precision']:.2%}  recall {result['recall']:.2%}"
    )
    per_check = result["per_check"]
    print(
        f"  time per check: median {per_check['median_ms']} ms, p95 {per_check['p95_ms']} ms "
        f"(n={per_check['n']}); first check in a process {result['first_check_ms']} ms"
    )
    if result["misclassified"]:
        print("  misclassified:")
        for name, expected, found, pattern, what in result["misclassified"]:
            print(f"    {what}: {name} (expected {expected or '—'}, flagged {found}; {pattern})")
    else:
        print("  misclassified: none")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--import-rows", type=int, default=5000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="parkflow-bench-"))
    _setup_env(workdir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from parkflow.core import audit, rules
    from parkflow.enterprises.choices import EnterpriseStatus, Industry
    from parkflow.enterprises.demo import credit_code
    from parkflow.enterprises.models import Enterprise
    from parkflow.org.models import OrgUnit, User

    results = {"python": platform.python_version(), "database": connection.vendor}
    call_command("migrate", verbosity=0)
    results["seed_demo_s"] = round(
        _timed(lambda: call_command("seed_demo", stdout=io.StringIO()))[0], 2
    )

    # Scale: bulk enterprises spread over the two parks (no services: this is volume, not behaviour).
    rng = random.Random(7)
    parks = list(OrgUnit.objects.filter(code__in=["demo-park-a", "demo-park-b"]).order_by("code"))
    now = timezone.now()
    regions = {"demo-park-a": "320571", "demo-park-b": "320214"}
    rows = []
    for i in range(args.enterprises):
        park = parks[i % 2]
        rows.append(
            Enterprise(
                name=f"基准测试企业{i:05d}有限公司",
                credit_code=credit_code(rng, regions[park.code]),
                legal_representative="张三",
                registered_capital=Decimal(rng.choice([100, 500, 1000])),
                industry=rng.choice(Industry.values),
                contact_name="李四",
                contact_phone="13900000000",
                park=park,
                status=rng.choice([EnterpriseStatus.RESIDENT, EnterpriseStatus.PROSPECT]),
                created_at=now,
                updated_at=now,
                status_changed_at=now,
            )
        )
    Enterprise.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    results["enterprises"] = Enterprise.objects.count()

    from parkflow.core import audit_actions

    # The bench's own code, registered like any app's (record() refuses unregistered codes).
    audit_actions.register({"bench.event": ("压测事件", "{actor} 写入压测事件“{object}”")})

    def append_events():
        park = parks[0]
        for i in range(args.events):
            with transaction.atomic():
                audit.record(None, "bench.event", park, after={"i": i})

    seconds = _timed(append_events)[0]
    results["audit_append"] = {"events": args.events, "per_second": round(args.events / seconds, 1)}
    results["audit_verify"] = _summary(_timed(audit.verify_chain, repeat=3))
    results["audit_events_total"] = audit.AuditEvent.objects.count()
    results["rule_sweep"] = _summary(_timed(rules.sweep_all, repeat=3))

    client = Client()
    client.force_login(User.objects.get(username="biz_a"))
    for label, url in (
        ("enterprise_list_page", "/enterprises/"),
        ("enterprise_list_search", "/enterprises/?q=%E5%9F%BA%E5%87%86"),
        ("enterprise_api_list", "/api/v1/enterprises/"),
        ("workbench", "/"),
    ):
        status = client.get(url).status_code  # warm-up
        if status != 200:
            results[label] = {"error": f"HTTP {status}"}
            continue
        results[label] = _summary(_timed(lambda url=url: client.get(url), repeat=args.repeat))

    results["register_import"] = bench_register_import(args.import_rows)
    results["brand_check"] = _brand_check(args.repeat)

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"latest-{connection.vendor}.json"
    target.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    width = max(len(k) for k in results)
    for key, value in results.items():
        if key != "brand_check":
            print(f"{key.ljust(width)}  {value}")
    _print_brand_check(results["brand_check"])
    print(f"\nwritten to {target}")
    connection.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def bench_register_import(rows_count: int) -> dict:
    """R-PLT-5: a register of ``rows_count`` rows with 30 bad ones is refused row by row with
    nothing written; the corrected file then imports in one go. Rows per second for both."""
    from parkflow.enterprises import services_import
    from parkflow.enterprises.models import Enterprise, ImportBatch
    from parkflow.enterprises.tests import ledgers
    from parkflow.org.models import OrgUnit, User

    importer = User.objects.get(username="office")
    park = OrgUnit.objects.get(code="demo-park-a")
    rows = [ledgers.enterprise_row(n, park.name, seed_offset=700_000) for n in range(rows_count)]
    bad_rows = []
    for index, (column, value, _words) in enumerate(ledgers.BAD_CELLS * 2):
        row_index = 50 + index * (rows_count - 100) // 30
        rows[row_index][column] = value
        bad_rows.append(row_index)
    before = Enterprise.objects.count()

    def run(content):
        start = time.perf_counter()
        batch = services_import.import_batch_upload(actor=importer, upload=ledgers.upload(content))
        checked = time.perf_counter()
        batch = ImportBatch.objects.get(pk=batch.pk)
        if batch.status == "valid":
            services_import.import_batch_confirm(actor=importer, batch=batch)
        done = time.perf_counter()
        return ImportBatch.objects.get(pk=batch.pk), checked - start, done - checked

    refused, check_s, _ = run(ledgers.workbook(rows))
    written_after_refusal = Enterprise.objects.count() - before
    for row_index in bad_rows:
        rows[row_index] = ledgers.enterprise_row(row_index, park.name, seed_offset=800_000)
    imported, check2_s, import_s = run(ledgers.workbook(rows))
    return {
        "rows": rows_count,
        "bad_rows_found": len({e["row"] for e in refused.errors}),
        "refused_status": refused.status,
        "written_after_refusal": written_after_refusal,
        "check_rows_per_second": round(rows_count / check_s, 1),
        "imported_status": imported.status,
        "imported": Enterprise.objects.count() - before,
        "import_rows_per_second": round(rows_count / import_s, 1),
        "import_seconds": round(import_s, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
