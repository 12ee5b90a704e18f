"""``manage.py seed_scale``: a group-sized data set for ``make bench SCALE=1`` (R-PLT-6).

20 parks (each with its business and finance departments and staff, like the demo park), 10,000
enterprises spread unevenly over parks and states, 100,000 alerts and 1,000,000 audit events that
form a valid hash chain (hashed by ``core.audit.compute_hash`` itself, then anchored by a signed
digest), so ``verify_audit`` passes. Volume, not behaviour: rows are bulk-written (PostgreSQL
``COPY``), no service runs. Each step tops its table up to the asked size, so a second run (or a
run after an interruption) writes only what is missing. It refuses a database that holds anything
it did not make (the demo park, real data) unless ``--reset``, which empties the domain tables
first and keeps the reference data the migrations loaded (regulation, calendar, rule settings).
"""

import datetime
import random
import time
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from stdnum.cn import uscc

from parkflow.core import audit, audit_digest, clock
from parkflow.core.choices import AlertStatus, Severity
from parkflow.core.models import Alert, AuditEvent, AuditPending, AuditSeal
from parkflow.core.rules import REGISTRY
from parkflow.enterprises.choices import EnterpriseGrade, EnterpriseStatus, Industry
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import DepartmentKind, Role, UnitKind
from parkflow.org.models import OrgUnit, RoleAssignment, User

PREFIX = "scale-"
GROUP_CODE = "scale-group"
PASSWORD = "Demo@2026"  # noqa: S105 - the published demo password, for a throw-away bench database
BUSIEST_EVENTS = 4000
BATCH = 20_000
# Reference data the migrations load; --reset keeps it.
KEEP = {
    "core.regulation",
    "core.article",
    "core.calendarday",
    "core.calendaryear",
    "core.rulesetting",
}
# Headquarters accounts, named like the demo's so the bench logs in as the same roles.
HQ_ACCOUNTS = [
    ("admin", "周敏", Role.SYSTEM_ADMIN, "company"),
    ("principal", "陈建国", Role.PRINCIPAL, "company"),
    ("deputy", "刘海波", Role.DEPUTY, "company"),
    ("office", "吴静", Role.OFFICE_STAFF, "lead"),
    ("lead", "郑磊", Role.LEAD_STAFF, "lead"),
    ("risk", "冯晓", Role.RISK_OFFICER, "risk"),
    ("legal", "何雪", Role.LEGAL_OFFICER, "legal"),
    ("finance", "钱芳", Role.FINANCE_STAFF, "finance"),
    ("auditor", "许诺", Role.AUDITOR, "company"),
]
CITIES = ["苏州", "无锡", "常州", "南京", "南通", "扬州", "镇江", "泰州", "徐州", "盐城"]
STATE_WEIGHTS = {
    EnterpriseStatus.RESIDENT: 55,
    EnterpriseStatus.PROSPECT: 12,
    EnterpriseStatus.APPLYING: 8,
    EnterpriseStatus.UNDER_REVIEW: 6,
    EnterpriseStatus.APPROVED: 4,
    EnterpriseStatus.REJECTED: 4,
    EnterpriseStatus.EXITING: 4,
    EnterpriseStatus.EXITED: 7,
}
SCALE_COMPANY_TYPES = [
    "有限责任公司（自然人投资或控股）",
    "有限责任公司（自然人投资或控股）",
    "有限责任公司（法人独资）",
    "有限责任公司（自然人独资）",
]
SCALE_BUSINESS_SCOPE = (
    "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；"
    "信息系统集成服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
)
EVENT_ACTIONS = [
    ("enterprise.update", lambda rng, i: {"contact_phone": f"139{i % 100_000_000:08d}"}),
    ("document.download", lambda rng, i: {"version": 1 + i % 3}),
    ("enterprise.apply", lambda rng, i: {"status": "applying"}),
    ("document.upload", lambda rng, i: {"doc_type": "business_licence", "version": 1 + i % 4}),
    ("conflict.declare", lambda rng, i: None),
    ("enterprise.move_in", lambda rng, i: {"status": "resident"}),
]


def credit_code(index: int, region: str) -> str:
    """A valid, unique 统一社会信用代码 for the ``index``-th enterprise (GB 11714 + GB 32100)."""
    org = f"{70_000_000 + index:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(check, str(check))
    body = "91" + region + org
    return body + uscc.calc_check_digit(body)


class Command(BaseCommand):
    help = "生成集团规模的压测数据（幂等）/ Build group-scale bench data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--parks", type=int, default=20)
        parser.add_argument("--enterprises", type=int, default=10_000)
        parser.add_argument("--alerts", type=int, default=100_000)
        parser.add_argument("--events", type=int, default=1_000_000)
        parser.add_argument(
            "--reset", action="store_true", help="先清空业务数据 / empty the domain tables first"
        )

    def handle(self, *args, parks, enterprises, alerts, events, reset, **options):
        self.started = time.perf_counter()
        self.now = clock.now()
        if reset:
            self._reset()
        elif foreign := self._foreign_data():
            raise CommandError(
                f"数据库中已有不是 seed_scale 生成的数据（{foreign}）：为免覆盖演示园区或真实数据，"
                "未做任何修改。确认要清空时加 --reset。/ The database holds data seed_scale did "
                "not make (the demo park or real data); nothing was changed. Use --reset to empty it."
            )
        with transaction.atomic():
            self._org(parks)
        with transaction.atomic():
            self._enterprises(enterprises)
        with transaction.atomic():
            self._alerts(alerts)
        self._events(events)
        self._analyse()
        self._anchor()
        self._say(
            f"done: {OrgUnit.objects.filter(kind=UnitKind.PARK).count()} parks, "
            f"{Enterprise.objects.count()} enterprises, {Alert.objects.count()} alerts, "
            f"{AuditEvent.objects.count()} audit events"
        )

    # -- helpers -------------------------------------------------------------------------------
    def _say(self, message: str) -> None:
        self.stdout.write(f"[{time.perf_counter() - self.started:7.1f}s] {message}")

    @property
    def _pg(self) -> bool:
        return connection.vendor == "postgresql"

    def _foreign_data(self) -> str:
        if OrgUnit.objects.filter(code="demo-group").exists():
            return "演示园区 / the demo park"
        if OrgUnit.objects.exclude(code__startswith=PREFIX).exists():
            return "组织单元 / org units"
        if Enterprise.objects.exclude(park__code__startswith=PREFIX).exists():
            return "企业 / enterprises"
        return ""

    def _reset(self) -> None:
        """Empty every table of our apps except reference data; the audit table's triggers refuse
        this to the application, so they are bypassed for this one session (PostgreSQL:
        ``session_replication_role``; SQLite: dropped and re-created)."""
        models = [
            m
            for m in apps.get_models()
            if m.__module__.startswith("parkflow.") and m._meta.label_lower not in KEEP
        ]
        models.append(apps.get_model("sessions", "Session"))
        tables = [m._meta.db_table for m in models if not m._meta.proxy]
        tables += [
            field.remote_field.through._meta.db_table
            for m in models
            for field in m._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ]
        tables = sorted(set(tables))
        with connection.cursor() as cursor:
            if self._pg:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
                    cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type='trigger'"
                    " AND tbl_name IN (%s, %s)",
                    [AuditEvent._meta.db_table, AuditSeal._meta.db_table],
                )
                triggers = cursor.fetchall()
                cursor.execute("PRAGMA foreign_keys = OFF")
                with transaction.atomic():
                    for name, _sql in triggers:
                        cursor.execute(f'DROP TRIGGER "{name}"')
                    for table in tables:
                        cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - our own table names
                    for _name, sql in triggers:
                        cursor.execute(sql)
                cursor.execute("PRAGMA foreign_keys = ON")
        self._say(f"reset: emptied {len(tables)} tables (reference data kept)")
        # The old digests anchor the chain just emptied: kept, but moved aside, so the new chain
        # gets its own anchors and verifies clean.
        directory = audit_digest.digest_dir()
        if directory.is_dir() and any(directory.glob("digest-*.json")):
            aside = directory.with_name(f"{directory.name}.before-reset-{self.now:%Y%m%dT%H%M%S}")
            directory.rename(aside)
            self._say(f"reset: earlier audit digests moved to {aside}")

    # -- organisation: HQ departments, parks, people, roles (R-ORG-1, R-ORG-2) -----------------
    def _unit(self, code, name, kind, parent=None, park=None, **extra):
        unit, _created = OrgUnit.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "parent": parent, "park": park, **extra},
        )
        return unit

    def _user(self, username, display, password):
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={
                "password": password,
                "display_name": display,
                "email": f"{username}@scale.example",
                "is_staff": username == "admin",
                "is_superuser": username == "admin",
            },
        )
        return user

    def _org(self, parks: int) -> None:
        password = make_password(PASSWORD)
        group = self._unit(GROUP_CODE, "苏湖园区发展集团（压测）", UnitKind.GROUP)
        company = self._unit("scale-company", "苏湖产业园运营管理有限公司", UnitKind.COMPANY, group)
        dept = UnitKind.DEPARTMENT
        units = {"company": company}
        for key, name, kind in (
            ("lead", "综合管理部（牵头部门）", DepartmentKind.LEAD),
            ("risk", "风控部", DepartmentKind.RISK),
            ("legal", "法务部", DepartmentKind.LEGAL),
            ("finance", "财务部", DepartmentKind.FINANCE),
        ):
            units[key] = self._unit(
                f"scale-{key}",
                name,
                dept,
                company,
                department_kind=kind,
                hosts_special_office=key == "lead"
                and not OrgUnit.objects.filter(hosts_special_office=True).exists(),
            )
        grants = []
        for username, display, role, unit_key in HQ_ACCOUNTS:
            grants.append((self._user(username, display, password), role, units[unit_key]))
        self.parks = []
        for n in range(1, parks + 1):
            city = CITIES[(n - 1) % len(CITIES)]
            park = self._unit(f"scale-park-{n:02d}", f"{city}第{n}产业园", UnitKind.PARK, company)
            if park.park_id != park.pk:
                park.park = park
                park.save(update_fields=["park"])
            biz = self._unit(
                f"scale-biz-{n:02d}",
                f"{park.name}招商服务部",
                dept,
                park,
                park,
                department_kind=DepartmentKind.BUSINESS,
            )
            self._unit(
                f"scale-fin-{n:02d}",
                f"{park.name}财务部",
                dept,
                park,
                park,
                department_kind=DepartmentKind.FINANCE,
            )
            for k in (1, 2):
                grants.append(
                    (
                        self._user(f"biz_{n:02d}_{k}", f"招商{n}-{k}", password),
                        Role.BUSINESS_STAFF,
                        biz,
                    )
                )
            self.parks.append(park)
        for user, role, unit in grants:
            RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
        self.staff = [user for user, _role, _unit in grants]
        self._say(f"org: {len(self.parks)} parks, {len(self.staff)} staff with roles")

    # -- enterprises: uneven over parks (a Zipf-like spread) and over states ---------------------
    def _enterprises(self, target: int) -> None:
        existing = Enterprise.objects.count()
        weights = [1 / (i + 1) ** 0.8 for i in range(len(self.parks))]
        states = list(STATE_WEIGHTS)
        state_weights = list(STATE_WEIGHTS.values())
        rows = []
        start = self.now - datetime.timedelta(days=3 * 365)
        span = (self.now - start).total_seconds()
        for i in range(existing, target):
            rng = random.Random(i)  # the i-th enterprise is the same whatever the batch
            park = self.parks[0] if i == 0 else rng.choices(self.parks, weights)[0]
            created = start + datetime.timedelta(seconds=span * i / max(target, 1))
            rows.append(
                Enterprise(
                    name=f"{park.name[:2]}压测企业{i:05d}科技有限公司",
                    credit_code=credit_code(i, "320500"),
                    legal_representative="张三",
                    registered_capital=Decimal(rng.choice([100, 500, 1000, 5000])),
                    industry=rng.choice(Industry.values),
                    grade=rng.choice(EnterpriseGrade.values),
                    contact_name="李四",
                    contact_phone=f"139{i:08d}",
                    # 营业执照信息 from the index alone (the generator's draws stay as they were).
                    company_type=SCALE_COMPANY_TYPES[i % len(SCALE_COMPANY_TYPES)],
                    established_on=(created - datetime.timedelta(days=400 + i % 5000)).date(),
                    registered_address=f"苏州工业园区星湖街{i % 900 + 1}号{i % 12 + 1}幢",
                    business_scope=SCALE_BUSINESS_SCOPE,
                    park=park,
                    # The busiest enterprise is resident: its timeline is the long one.
                    status=EnterpriseStatus.RESIDENT
                    if i == 0
                    else rng.choices(states, state_weights)[0],
                    created_at=created,
                    updated_at=created,
                    status_changed_at=created,
                )
            )
            if len(rows) == 2000:
                Enterprise.objects.bulk_create(rows)
                rows = []
        Enterprise.objects.bulk_create(rows)
        self._say(f"enterprises: {Enterprise.objects.count()} ({existing} were there)")

    # -- alerts: at most one active per (rule, object), as the constraint demands --------------
    def _alerts(self, target: int) -> None:
        existing = Alert.objects.count()
        if existing >= target:
            self._say(f"alerts: {existing} (nothing to add)")
            return
        ct = ContentType.objects.get_for_model(Enterprise)
        ents = list(Enterprise.objects.order_by("id").values_list("id", "name", "park_id"))
        codes = sorted(REGISTRY) or ["scale.rule"]
        severities = Severity.values
        columns = [
            "rule_code", "severity", "title", "message", "content_type_id", "object_id",
            "object_repr", "park_id", "status", "opened_at", "last_seen_at", "acknowledged_at",
            "resolved_at", "resolution",
        ]  # fmt: skip
        # One alert in five is active, spread over time like the rest (the newer ones a little
        # more often); active ones take distinct (enterprise, rule) pairs, the constraint's rule.
        active_slots = len(ents) * len(codes)

        def row(i):
            rng = random.Random(1_000_000 + i)
            slot = i // 5
            if i % 5 == 0 and slot < active_slots:
                ent = ents[slot % len(ents)]
                code = codes[slot // len(ents)]
                status = AlertStatus.OPEN if rng.random() < 0.7 else AlertStatus.ACKNOWLEDGED
            else:
                ent = ents[rng.randrange(len(ents))]
                code = rng.choice(codes)
                status = AlertStatus.RESOLVED
            opened = self.now - datetime.timedelta(minutes=(target - i) * 5)
            return (
                code,
                rng.choice(severities),
                f"{ent[1]}：压测预警 {i}",
                "",
                ct.pk,
                str(ent[0]),
                ent[1],
                ent[2],
                status,
                opened,
                opened,
                opened if status != AlertStatus.OPEN else None,
                opened + datetime.timedelta(days=1) if status == AlertStatus.RESOLVED else None,
                "压测数据" if status == AlertStatus.RESOLVED else "",
            )

        self._write(Alert, columns, (row(i) for i in range(existing, target)), target - existing)
        self._say(f"alerts: {Alert.objects.count()} ({existing} were there)")

    # -- audit events: one valid chain; one enterprise gets ~4,000 of them ---------------------
    def _events(self, target: int) -> None:
        audit.seal_pending()
        last = AuditEvent.objects.order_by("-id").only("id").first()
        existing = AuditEvent.objects.count()
        if existing >= target:
            self._say(f"audit events: {existing} (nothing to add)")
            return
        next_id = (last.id if last else 0) + 1
        ent_ct = ContentType.objects.get_for_model(Enterprise)
        user_ct = ContentType.objects.get_for_model(User)
        ents = list(Enterprise.objects.order_by("id").values_list("id", "name"))
        busiest = ents[0]
        staff = [(u.pk, u.display_name) for u in self.staff]
        busiest_every = max(1, target // BUSIEST_EVENTS)
        todo = target - existing
        start = self.now - datetime.timedelta(days=2 * 365)
        step = (self.now - start) / max(target, 1)
        columns = [
            "id", "occurred_at", "actor_id", "actor_name", "action", "content_type_id",
            "object_id", "object_repr", "before", "after", "reason", "prev_hash", "hash",
        ]  # fmt: skip

        def rows():
            for n in range(existing, target):
                rng = random.Random(2_000_000 + n)
                actor_id, actor_name = staff[rng.randrange(len(staff))]
                if n % busiest_every == 0:
                    ct, (obj_id, obj_repr) = ent_ct, busiest
                elif n % 50 == 1:
                    ct, (obj_id, obj_repr) = user_ct, staff[rng.randrange(len(staff))]
                else:
                    ct, (obj_id, obj_repr) = ent_ct, ents[rng.randrange(len(ents))]
                if ct is user_ct:
                    action, after = "user.create", {"username": obj_repr}
                else:
                    action, make = EVENT_ACTIONS[rng.randrange(len(EVENT_ACTIONS))]
                    after = make(rng, n)
                event = AuditEvent(
                    id=next_id + n - existing,
                    occurred_at=start + step * n,
                    actor_id=actor_id,
                    actor_name=actor_name,
                    action=action,
                    content_type=ct,
                    object_id=str(obj_id),
                    object_repr=obj_repr,
                    before=None,
                    after=audit.normalise(after),
                    reason="",
                    prev_hash="",
                )
                event.hash = audit.content_hash(event)
                yield event

        self._write(AuditEvent, columns, rows(), todo, objects=True)
        self._seal(next_id, todo)
        self._say(f"audit events: {existing + todo} ({existing} were there)")

    def _seal(self, first_id: int, total: int) -> None:
        """Seal the events just written, in id order, as ``audit.seal_pending`` would (one
        ``COPY`` instead of a transaction per 5,000), and empty their queue."""
        head = audit.head()
        state = {"seq": head.seq if head else 0, "chain": head.hash if head else audit.GENESIS_HASH}

        def seals():
            last_id = first_id - 1
            while True:
                batch = list(
                    AuditEvent.objects.filter(id__gt=last_id)
                    .order_by("id")
                    .values_list("id", "hash")[:BATCH]
                )
                if not batch:
                    return
                for event_id, leaf in batch:
                    state["seq"] += 1
                    state["chain"] = audit.link(state["chain"], event_id, leaf)
                    yield (state["seq"], event_id, leaf, state["chain"])
                last_id = batch[-1][0]

        self._write(AuditSeal, ["seq", "event_id", "leaf", "hash"], seals(), total)
        AuditPending.objects.filter(event_id__gte=first_id).delete()

    def _write(self, model, columns, rows, total: int, *, objects: bool = False) -> None:
        """Write ``rows`` in batches: COPY on PostgreSQL, bulk_create elsewhere; print progress."""
        table = model._meta.db_table
        done = 0
        batch = []

        def flush():
            nonlocal done, batch
            if not batch:
                return
            with transaction.atomic():
                if self._pg:
                    with connection.cursor() as cursor:
                        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                        with cursor.cursor.copy(sql) as copy:
                            for item in batch:
                                copy.write_row(self._values(item, columns) if objects else item)
                else:
                    items = (
                        batch
                        if objects
                        else [model(**dict(zip(columns, r, strict=True))) for r in batch]
                    )
                    model.objects.bulk_create(items, batch_size=500)
            done += len(batch)
            batch = []
            self._say(f"  {table}: {done}/{total}")

        for item in rows:
            batch.append(item)
            if len(batch) >= BATCH * (5 if self._pg else 1):
                flush()
        flush()
        if self._pg and "id" in columns:
            with connection.cursor() as cursor:
                sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608, E501
                cursor.execute(sql, [table])

    @staticmethod
    def _values(event, columns):
        # ``before``/``after`` as the canonical text that was hashed: the column keeps it verbatim.
        values = []
        for column in columns:
            value = getattr(event, column)
            values.append(
                audit.canonical(value)
                if column in ("before", "after") and value is not None
                else value
            )
        return values

    def _analyse(self) -> None:
        if self._pg:
            with connection.cursor() as cursor:
                for model in (
                    OrgUnit,
                    Enterprise,
                    Alert,
                    AuditEvent,
                    AuditSeal,
                    RoleAssignment,
                    User,
                ):
                    # VACUUM too: index-only scans (the counts) need the visibility map. Not
                    # possible inside a transaction (a test's): then statistics only.
                    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                    cursor.execute(f"{verb} {model._meta.db_table}")
            self._say("analysed")

    def _anchor(self) -> None:
        """A signed digest over the new head, so verification is anchored and clean (D18)."""
        latest = audit_digest.latest_digest()
        head = audit.head()
        if (
            latest is not None
            and latest.valid
            and head is not None
            and (latest.event_count, latest.last_event_id) == (head.seq, head.event_id)
        ):
            return
        try:
            digest = audit_digest.write_digest(deliver_copies=False)
        except audit_digest.DigestRefused as refused:
            self.stderr.write(
                f"注意：未写入审计摘要（{refused}）。{audit_digest.digest_dir()} 中的摘要属于另一个"
                "数据库：压测库请设 PARKFLOW_AUDIT_DIGEST_DIR 指向自己的目录。"
            )
            return
        self._say(f"audit digest {digest.sequence}: {digest.event_count} events anchored")
