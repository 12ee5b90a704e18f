"""Audit at scale (issue 8 §7, decision D44): append, then seal.

* ``AuditSeal``: each event's place in the one verifiable order (sequence, content hash, chain
  hash), append-only like the events (triggers refuse UPDATE, DELETE, TRUNCATE);
* ``AuditPending``: the sealer's queue, filled by a trigger on every insert into the audit table;
* ``AuditVerification``: background verifications, their progress and signed checkpoints;
* the audit table keeps only the indexes a query uses (the primary key; (object id, content type,
  id) for timelines and the search by object id; (action, -id); the trigram indexes of 0010),
  drops the uniqueness of ``hash``/``prev_hash`` (the seals make a fork impossible now), and
  stores ``before``/``after`` as ``json`` (verbatim text) instead of ``jsonb`` on PostgreSQL;
* the events already there are sealed in id order, each seal's leaf being the event's own
  (old-chain) hash, so the whole history is one chain and the old digests still anchor it.
"""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import parkflow.core.models

GENESIS = "0" * 64
SEAL_BATCH = 5000

# The seal table is append-only like the events (the functions are those of 0003 and 0006).
POSTGRES_FORWARD = [
    """CREATE TRIGGER core_auditseal_append_only BEFORE UPDATE OR DELETE ON core_auditseal
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();""",
    """CREATE TRIGGER core_auditseal_no_truncate BEFORE TRUNCATE ON core_auditseal
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_truncate();""",
    # Every new event is queued for the sealer, whoever inserts it.
    """CREATE OR REPLACE FUNCTION core_auditevent_enqueue() RETURNS trigger AS $$
       BEGIN INSERT INTO core_auditpending (event_id) VALUES (NEW.id); RETURN NULL; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_enqueue AFTER INSERT ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_enqueue();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditevent_enqueue ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_enqueue();",
    "DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal;",
    "DROP TRIGGER IF EXISTS core_auditseal_no_truncate ON core_auditseal;",
]
# SQLite: the seal table's guards, and the queue. (Rebuilding core_auditevent for the field
# changes above dropped the triggers of 0003; they are made again first.)
SQLITE_SEAL_GUARDS = [
    """CREATE TRIGGER core_auditseal_no_update BEFORE UPDATE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only (R-PLT-1)'); END;""",
    """CREATE TRIGGER core_auditseal_no_delete BEFORE DELETE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only (R-PLT-1)'); END;""",
]
SQLITE_SEAL_GUARDS_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_auditseal_no_update;",
    "DROP TRIGGER IF EXISTS core_auditseal_no_delete;",
]
SQLITE_FORWARD = [
    *SQLITE_SEAL_GUARDS,
    """CREATE TRIGGER core_auditevent_enqueue AFTER INSERT ON core_auditevent
       BEGIN INSERT INTO core_auditpending (event_id) VALUES (NEW.id); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS core_auditevent_enqueue;", *SQLITE_SEAL_GUARDS_BACKWARD]


def _append_only_0003():
    import importlib

    return importlib.import_module("parkflow.core.migrations.0003_audit_append_only")


def seal_existing_events(connection) -> int:
    """Seal the events already in the table, in id order: leaf = the event's own hash, chain
    hash = SHA-256(previous chain hash + id + ":" + leaf), as ``core.audit.link`` computes it."""
    last_id, seq, chain = 0, 0, GENESIS
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, hash FROM core_auditevent WHERE id > %s ORDER BY id LIMIT %s",
                [last_id, SEAL_BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            return seq
        values = []
        for event_id, leaf in rows:
            seq += 1
            chain = hashlib.sha256(f"{chain}{event_id}:{leaf}".encode()).hexdigest()
            values.append((seq, event_id, leaf, chain))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO core_auditseal (seq, event_id, leaf, hash) VALUES (%s, %s, %s, %s)",
                values,
            )
        last_id = rows[-1][0]


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for sql in _append_only_0003().SQLITE_FORWARD:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))
    seal_existing_events(connection)
    if connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)
    else:
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS"))


def backward(apps, schema_editor):
    connection = schema_editor.connection
    for sql in POSTGRES_BACKWARD if connection.vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0014_review_segregation_and_gate_settings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                ("event_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "待封存的审计事件",
                "verbose_name_plural": "待封存的审计事件",
            },
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "seq",
                    models.BigIntegerField(primary_key=True, serialize=False, verbose_name="序号"),
                ),
                ("leaf", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="seal",
                        to="core.auditevent",
                        verbose_name="审计事件",
                    ),
                ),
            ],
            options={
                "verbose_name": "审计封存",
                "verbose_name_plural": "审计封存",
                "ordering": ["seq"],
            },
        ),
        migrations.CreateModel(
            name="AuditVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("incremental", "增量验证"), ("full", "完整验证")],
                        max_length=12,
                        verbose_name="方式",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "排队中"),
                            ("running", "验证中"),
                            ("ok", "完整"),
                            ("broken", "发现问题"),
                            ("failed", "未能完成"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("requested_at", models.DateTimeField(verbose_name="发起时间")),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="开始时间"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="完成时间"),
                ),
                ("from_seq", models.BigIntegerField(default=0, verbose_name="起始序号")),
                ("to_seq", models.BigIntegerField(blank=True, null=True, verbose_name="截止序号")),
                ("checked", models.BigIntegerField(default=0, verbose_name="已校验")),
                ("head_hash", models.CharField(blank=True, max_length=64)),
                ("head_event_id", models.BigIntegerField(blank=True, null=True)),
                ("broken_event_id", models.BigIntegerField(blank=True, null=True)),
                ("findings", models.JSONField(blank=True, default=list)),
                ("warnings", models.JSONField(blank=True, default=list)),
                ("anchor", models.JSONField(blank=True, null=True)),
                ("signature", models.CharField(blank=True, max_length=64)),
                ("error", models.CharField(blank=True, max_length=500)),
            ],
            options={
                "verbose_name": "审计链验证",
                "verbose_name_plural": "审计链验证",
                "ordering": ["-id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="auditevent",
            name="audit_chain_no_fork",
        ),
        migrations.RemoveIndex(
            model_name="auditevent",
            name="core_audite_content_7ff5c7_idx",
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=80, verbose_name="动作"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="after",
            field=parkflow.core.models.AuditJSONField(blank=True, null=True, verbose_name="变更后"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="before",
            field=parkflow.core.models.AuditJSONField(blank=True, null=True, verbose_name="变更前"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="content_type",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="object_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(verbose_name="时间"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["object_id", "content_type", "id"], name="audit_object_timeline"
            ),
        ),
        migrations.AddField(
            model_name="auditverification",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="发起人",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
