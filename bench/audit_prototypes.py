# ruff: noqa: S608 - table names are this script's own constants, never input
"""Prototypes of the audit chain's write path, measured on PostgreSQL (issue 8 §7, decision D44).

Raw psycopg, no Django: what each design costs the database and how it behaves with more
writers. Each writer is a process of its own (as gunicorn workers are) appending one event per
transaction, the way a service does; the table is prefilled so its indexes are not trivially
small. Designs:

* ``serial-main``   — today's main: an advisory lock taken first and held to COMMIT, the head
  re-read, the event inserted into a table with main's 15 indexes, hashed with ``prev_hash``.
* ``serial-lean``   — the same serialised chain with the head read by one indexed query and only
  the indexes the pages use (what tuning the current design can reach).
* ``per-park``      — one chain per park under a group anchor: the lock and the head are per park,
  so writers of different parks run in parallel (measured with every writer in its own park, the
  best case, and with all in one park, the usual one).
* ``seal``          — append-then-seal: the writer inserts the event with its content hash only
  (no lock, no head); a trigger queues its id; after COMMIT the writer tries the sealer's lock
  without waiting and, if it gets it, seals every queued event (sequence + chain hash, one
  multi-row INSERT). Writers never wait for one another.

    .venv/bin/python bench/audit_prototypes.py [--seconds 8] [--prefill 200000]
    env: BENCH_AUDIT_PROTO_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/pf_audit_bench_proto)

Results are printed and written to bench/results/audit-prototypes.txt.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/pf_audit_bench_proto"
GENESIS = "0" * 64
SEAL_KEY = 0x5345414C
CHAIN_KEY = 0x5041524B

COLUMNS = """
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor_id bigint,
    actor_name varchar(150) NOT NULL,
    action varchar(80) NOT NULL,
    content_type_id integer,
    object_id varchar(64) NOT NULL,
    object_repr varchar(255) NOT NULL,
    before {json},
    after {json},
    reason text NOT NULL,
    prev_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL
"""
MAIN_INDEXES = [
    "CREATE UNIQUE INDEX ON {t} (hash)",
    "CREATE INDEX ON {t} (hash varchar_pattern_ops)",
    "CREATE UNIQUE INDEX ON {t} (prev_hash)",
    "CREATE INDEX ON {t} (occurred_at)",
    "CREATE INDEX ON {t} (action)",
    "CREATE INDEX ON {t} (action varchar_pattern_ops)",
    "CREATE INDEX ON {t} (object_id)",
    "CREATE INDEX ON {t} (object_id varchar_pattern_ops)",
    "CREATE INDEX ON {t} (content_type_id, object_id, id)",
    "CREATE INDEX ON {t} (actor_id)",
    "CREATE INDEX ON {t} (content_type_id)",
    "CREATE INDEX ON {t} (action, id DESC)",
    "CREATE INDEX ON {t} USING gin (upper(object_repr) gin_trgm_ops)",
    "CREATE INDEX ON {t} USING gin (upper(actor_name) gin_trgm_ops)",
]
LEAN_INDEXES = [
    "CREATE INDEX ON {t} (object_id, content_type_id, id)",
    "CREATE INDEX ON {t} (action, id DESC)",
    "CREATE INDEX ON {t} USING gin (upper(object_repr) gin_trgm_ops)",
    "CREATE INDEX ON {t} USING gin (upper(actor_name) gin_trgm_ops)",
]
INSERT = """INSERT INTO {t} (occurred_at, actor_id, actor_name, action, content_type_id, object_id,
    object_repr, before, after, reason, prev_hash, hash{extra_cols})
    VALUES (now(), %s, %s, %s, 7, %s, %s, %s, %s, '', %s, %s{extra_vals})"""


def _payload(writer: int, i: int) -> tuple:
    after = json.dumps({"contact_phone": f"139{i:08d}", "writer": writer}, sort_keys=True)
    return (writer + 1, f"职员{writer}", "enterprise.update", str(1000 + i % 500),
            f"苏州测试科技有限公司{i % 500}", None, after)  # fmt: skip


def setup(url: str, prefill: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in ("p_main", "p_lean", "p_park", "p_seal_event", "p_seal", "p_pending"):
            conn.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        conn.execute(f"CREATE TABLE p_main ({COLUMNS.format(json='jsonb')})")
        conn.execute(f"CREATE TABLE p_lean ({COLUMNS.format(json='jsonb')})")
        conn.execute(f"CREATE TABLE p_park ({COLUMNS.format(json='jsonb')}, park_id int NOT NULL)")
        conn.execute(f"CREATE TABLE p_seal_event ({COLUMNS.format(json='json')})")
        conn.execute(
            "CREATE TABLE p_seal (seq bigint PRIMARY KEY, event_id bigint NOT NULL UNIQUE,"
            " leaf varchar(64) NOT NULL, hash varchar(64) NOT NULL)"
        )
        conn.execute("CREATE TABLE p_pending (event_id bigint PRIMARY KEY)")
        conn.execute(
            """CREATE OR REPLACE FUNCTION p_enqueue() RETURNS trigger AS $$
               BEGIN INSERT INTO p_pending (event_id) VALUES (NEW.id); RETURN NULL; END;
               $$ LANGUAGE plpgsql"""
        )
        conn.execute(
            "CREATE TRIGGER p_enqueue AFTER INSERT ON p_seal_event"
            " FOR EACH ROW EXECUTE FUNCTION p_enqueue()"
        )
        # Prefill (content only matters for index size): one bulk INSERT per table.
        fill = f"""SELECT now(), 1, '职员', 'enterprise.update', 7, (1000 + g % 500)::text,
            '苏州测试科技有限公司' || (g % 500), NULL::JSONTYPE, '{{"k": 1}}'::JSONTYPE, '',
            md5(g::text) || md5((g + 1)::text), md5(g::text || 'h') || md5(g::text)
            FROM generate_series(1, {prefill}) g"""
        cols = ("occurred_at, actor_id, actor_name, action, content_type_id, object_id, "
                "object_repr, before, after, reason, prev_hash, hash")  # fmt: skip
        for table, kind in (("p_main", "jsonb"), ("p_lean", "jsonb"), ("p_seal_event", "json")):
            conn.execute(f"INSERT INTO {table} ({cols}) " + fill.replace("JSONTYPE", kind))
        jsonb = fill.replace("JSONTYPE", "jsonb")
        conn.execute(f"INSERT INTO p_park ({cols}, park_id) SELECT *, 0 FROM ({jsonb}) f")
        conn.execute("DELETE FROM p_pending")
        conn.execute("INSERT INTO p_seal SELECT id, id, hash, hash FROM p_seal_event ORDER BY id")
        for statement in MAIN_INDEXES:
            conn.execute(statement.format(t="p_main"))
        for statement in LEAN_INDEXES:
            conn.execute(statement.format(t="p_lean"))
            conn.execute(statement.format(t="p_seal_event"))
            conn.execute(statement.format(t="p_park"))
        conn.execute("CREATE INDEX ON p_park (park_id, id)")
        conn.execute("VACUUM ANALYZE")


def _leaf(values) -> str:
    text = "".join("~" if v is None else f"{len(str(v))}:{v}" for v in values)
    return hashlib.sha256(text.encode()).hexdigest()


def seal_pending(conn, wait: bool) -> int | None:
    """Seal every queued event in one transaction; None if another sealer holds the lock."""
    with conn.transaction():
        if wait:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_KEY])
        elif not conn.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_KEY]).fetchone()[0]:
            return None
        ids = [
            r[0]
            for r in conn.execute(
                "DELETE FROM p_pending WHERE event_id IN"
                " (SELECT event_id FROM p_pending ORDER BY event_id LIMIT 5000) RETURNING event_id"
            ).fetchall()
        ]
        if not ids:
            return 0
        rows = conn.execute(
            "SELECT id, hash FROM p_seal_event WHERE id = ANY(%s) ORDER BY id", [ids]
        ).fetchall()
        seq, head = conn.execute(
            "SELECT seq, hash FROM p_seal ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seqs, event_ids, leaves, hashes = [], [], [], []
        for event_id, leaf in rows:
            seq += 1
            head = hashlib.sha256(f"{head}{event_id}:{leaf}".encode()).hexdigest()
            seqs.append(seq), event_ids.append(event_id), leaves.append(leaf), hashes.append(head)
        conn.execute(
            "INSERT INTO p_seal SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[],"
            " %s::text[])",
            [seqs, event_ids, leaves, hashes],
        )
        return len(rows)


def seal_after_commit(conn) -> None:
    while True:
        sealed = seal_pending(conn, wait=False)
        if sealed is None:
            return  # the holder re-checks after it lets go
        if not conn.execute("SELECT EXISTS (SELECT 1 FROM p_pending)").fetchone()[0]:
            return


def writer(design: str, url: str, n: int, park: int, deadline: float, out) -> None:
    conn = psycopg.connect(url, autocommit=True)
    latencies = []
    i = 0
    while time.monotonic() < deadline:
        actor, name, action, oid, orepr, before, after = _payload(n, i)
        started = time.perf_counter()
        with conn.transaction():
            if design in ("serial-main", "serial-lean"):
                table = "p_main" if design == "serial-main" else "p_lean"
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_KEY])
                head = conn.execute(f"SELECT hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
                prev = head[0] if head else GENESIS
                h = hashlib.sha256((prev + orepr + after).encode()).hexdigest()
                conn.execute(INSERT.format(t=table, extra_cols="", extra_vals=""),
                             (actor, name, action, oid, orepr, before, after, prev, h))  # fmt: skip
            elif design == "per-park":
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_KEY, park])
                head = conn.execute(
                    "SELECT hash FROM p_park WHERE park_id = %s ORDER BY id DESC LIMIT 1", [park]
                ).fetchone()
                prev = head[0] if head else GENESIS
                h = hashlib.sha256((prev + orepr + after).encode()).hexdigest()
                conn.execute(INSERT.format(t="p_park", extra_cols=", park_id", extra_vals=", %s"),
                             (actor, name, action, oid, orepr, before, after, prev, h, park))  # fmt: skip
            else:  # seal, seal-bg
                leaf = _leaf((i, actor, name, action, oid, orepr, before, after, ""))
                conn.execute(INSERT.format(t="p_seal_event", extra_cols="", extra_vals=""),
                             (actor, name, action, oid, orepr, before, after, "", leaf))  # fmt: skip
        if design == "seal":
            seal_after_commit(conn)
        latencies.append(time.perf_counter() - started)
        i += 1
    conn.close()
    out.put(latencies)


def background_sealer(url: str, deadline: float, out) -> None:
    """One process sealing whatever is queued, pausing 10 ms when the queue is empty."""
    conn = psycopg.connect(url, autocommit=True)
    sealed = 0
    while time.monotonic() < deadline:
        n = seal_pending(conn, wait=True)
        sealed += n
        if not n:
            time.sleep(0.01)
    out.put(sealed)


def run(design: str, url: str, writers: int, seconds: float, same_park: bool = False) -> dict:
    queue = multiprocessing.Queue()
    deadline = time.monotonic() + seconds + 0.5
    sealer = None
    if design == "seal-bg":
        sealed_queue = multiprocessing.Queue()
        sealer = multiprocessing.Process(
            target=background_sealer, args=(url, deadline, sealed_queue)
        )
        sealer.start()
    procs = [
        multiprocessing.Process(
            target=writer, args=(design, url, n, 1 if same_park else n + 1, deadline, queue)
        )
        for n in range(writers)
    ]
    for p in procs:
        p.start()
    latencies = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    if sealer is not None:
        sealed_queue.get()
        sealer.join()
    every = sorted(x for lat in latencies for x in lat)
    events = len(every)
    result = {
        "design": design + (" (one park)" if same_park else ""),
        "writers": writers,
        "events": events,
        "per_second": round(events / (seconds + 0.5)),
        "p50_ms": round(statistics.median(every) * 1000, 2),
        "max_ms": round(every[-1] * 1000, 1),
    }
    if design.startswith("seal"):
        with psycopg.connect(url, autocommit=True) as conn:
            result["left_unsealed"] = conn.execute("SELECT count(*) FROM p_pending").fetchone()[0]
            while seal_pending(conn, wait=True):
                pass
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--prefill", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="design:writers pairs, e.g. seal:1 seal:8")
    parser.add_argument("--no-setup", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_AUDIT_PROTO_DATABASE_URL", DEFAULT_URL)
    admin = url.rsplit("/", 1)[0] + "/postgres"
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(f'CREATE DATABASE "{dbname}"')
    if not args.no_setup:
        setup(url, args.prefill)
    plan = [(d, int(w), False) for d, w in (p.split(":") for p in args.only)] if args.only else [
        ("serial-main", 1, False), ("serial-main", 8, False),
        ("serial-lean", 1, False), ("serial-lean", 8, False),
        ("per-park", 1, False), ("per-park", 8, False), ("per-park", 8, True),
        ("seal", 1, False), ("seal", 8, False),
        ("seal-bg", 1, False), ("seal-bg", 8, False),
    ]  # fmt: skip
    rows = {}
    for _round in range(args.repeat):  # rounds, so other load on the machine weighs on all alike
        for design, writers, same in plan:
            result = run(design, url, writers, args.seconds, same)
            rows.setdefault((result["design"], writers), []).append(result)
            print(result, flush=True)
    lines = [
        "# bench/audit_prototypes.py — the audit chain's write path, prototypes on PostgreSQL",
        f"# machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU, Python "
        f"{platform.python_version()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        " at the end",
        f"# {args.prefill} rows prefilled per table; each writer a process, one event per "
        f"transaction, {args.seconds:g} s per run, {args.repeat} rounds; medians of the rounds",
        "",
        f"{'design':28} {'writers':>7} {'events/s':>9} {'p50 ms':>7} {'max ms':>7}",
    ]
    for (design, writers), results in rows.items():
        lines.append(
            f"{design:28} {writers:>7} {statistics.median(r['per_second'] for r in results):>9.0f}"
            f" {statistics.median(r['p50_ms'] for r in results):>7.2f}"
            f" {statistics.median(r['max_ms'] for r in results):>7.1f}"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    target = ROOT / "bench" / "results" / "audit-prototypes.txt"
    target.write_text(text, encoding="utf-8")
    print(f"written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
