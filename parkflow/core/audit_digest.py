"""Signed audit digests: the chain's head anchored outside the database (R-PLT-1, D18).

The hash chain alone proves only that the rows agree with each other: whoever can write the
table can empty it, cut its tail, or rewrite an event and recompute every later hash with the
public algorithm. So, in the manner of CloudTrail's digest files, a periodic task writes a
digest — event count, last event id, head hash, time, the previous digest's signature — signed
with HMAC-SHA256 under a key that is not in the database (environment, or a key file under
``var/``), into a directory that can live on other storage, and optionally sends it to a
webhook and to e-mail recipients. Verification walks the chain once, in batches, and checks
every digest's anchor on the way, so it can name what happened: truncated, tail removed,
history rewritten since digest N, or a digest file forged, edited or removed.
"""

import datetime
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import mail_admins, send_mail

from . import clock
from .audit import GENESIS_HASH, canonical, hash_matches
from .models import AuditEvent

logger = logging.getLogger("parkflow.audit")

FORMAT = "parkflow-audit-digest/1"
FILE_RE = re.compile(r"^digest-(\d{6,})-(\d{8}T\d{6}Z)\.json$")
WEBHOOK_TIMEOUT_SECONDS = 10
MIN_KEY_LENGTH = 32
BATCH_SIZE = 2000

# Finding kinds (stable codes; the message says it in Chinese).
TRUNCATED = "truncated"
TAIL_REMOVED = "tail_removed"
REWRITTEN = "rewritten"
CHAIN_BROKEN = "chain_broken"
FORGED = "forged_digest"
MISSING = "missing_digest"
UNLINKED = "unlinked_digest"
NO_KEY = "no_key"


class DigestRefused(Exception):
    """The chain no longer agrees with the latest digest: signing its head would launder it."""

    def __init__(self, findings):
        self.findings = findings
        super().__init__("; ".join(f.message for f in findings))


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str


@dataclass
class Digest:
    path: Path
    sequence: int
    body: dict = field(default_factory=dict)
    signature: str = ""
    valid: bool = False

    @property
    def event_count(self) -> int:
        return self.body["event_count"]

    @property
    def last_event_id(self) -> int | None:
        return self.body["last_event_id"]

    @property
    def head_hash(self) -> str:
        return self.body["head_hash"]

    @property
    def written_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.body["written_at"])


@dataclass
class AuditReport:
    """The result of verifying the chain against the digests."""

    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    anchor: Digest | None = None  # the latest valid digest the chain still agrees with
    digests: int = 0
    broken_event_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def problem(self) -> str:
        return "；".join(f.message for f in self.findings)


# ---------------------------------------------------------------------------------------------
# The key: never in the database


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"parkflow-audit-digest-key:" + key).hexdigest()[:12]


def signing_key(*, create: bool = False) -> bytes | None:
    """The HMAC key: ``PARKFLOW_AUDIT_DIGEST_KEY`` or the key file (made once, mode 0600)."""
    if settings.PARKFLOW_AUDIT_DIGEST_KEY:
        return settings.PARKFLOW_AUDIT_DIGEST_KEY.encode("utf-8")
    path = Path(settings.PARKFLOW_AUDIT_DIGEST_KEY_FILE)
    if path.exists():
        return path.read_text(encoding="ascii").strip().encode("ascii")
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    logger.warning("audit digest key created at %s (mode 0600); back it up off this host", path)
    return path.read_text(encoding="ascii").strip().encode("ascii")


def key_configured() -> bool:
    return signing_key() is not None


def _sign(key: bytes, body: dict) -> str:
    return hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading digests


def digest_dir() -> Path:
    return Path(settings.PARKFLOW_AUDIT_DIGEST_DIR)


_BODY_TYPES = {
    "format": str,
    "sequence": int,
    "written_at": str,
    "event_count": int,
    "head_hash": str,
    "previous_signature": str,
    "key_id": str,
}


def _parse(path: Path, sequence: int, key: bytes | None) -> Digest:
    digest = Digest(path=path, sequence=sequence)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        signature = data.pop("signature")
        if not isinstance(signature, str) or data.get("format") != FORMAT:
            return digest
        for name, kind in _BODY_TYPES.items():
            if not isinstance(data.get(name), kind):
                return digest
        if data["last_event_id"] is not None and not isinstance(data["last_event_id"], int):
            return digest
        datetime.datetime.fromisoformat(data["written_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return digest
    digest.body, digest.signature = data, signature
    digest.valid = (
        key is not None
        and data["sequence"] == sequence
        and hmac.compare_digest(_sign(key, data), signature)
    )
    return digest


def read_digests(key: bytes | None = None) -> list[Digest]:
    """Every digest file in the directory, in sequence order, with its signature checked."""
    key = key if key is not None else signing_key()
    directory = digest_dir()
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if match := FILE_RE.match(path.name):
            found.append(_parse(path, int(match.group(1)), key))
    return sorted(found, key=lambda d: (d.sequence, d.path.name))


def latest_digest() -> Digest | None:
    """The newest digest only (one file read), for the audit page's anchor line."""
    directory = digest_dir()
    if not directory.is_dir():
        return None
    named = [(int(m.group(1)), p) for p in directory.iterdir() if (m := FILE_RE.match(p.name))]
    if not named:
        return None
    sequence, path = max(named)
    return _parse(path, sequence, signing_key())


def when_text(moment: datetime.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M")


def _digest_findings(digests: list[Digest], key: bytes | None) -> list[Finding]:
    """What is wrong with the digest files themselves: forged, missing, out of chain."""
    findings = []
    if digests and key is None:
        return [Finding(NO_KEY, "未配置摘要密钥，无法校验摘要签名（PARKFLOW_AUDIT_DIGEST_KEY）")]
    for digest in digests:
        if not digest.valid:
            findings.append(
                Finding(
                    FORGED,
                    f"摘要签名无效：{digest.path.name}（文件被改动、伪造，或由另一个密钥签名）",
                )
            )
    expected = 1
    previous = None
    for digest in digests:
        if digest.sequence > expected:
            span = (
                f"{expected}"
                if digest.sequence == expected + 1
                else f"{expected}–{digest.sequence - 1}"
            )
            findings.append(Finding(MISSING, f"摘要 {span} 缺失：摘要文件被删除或移走"))
        follows = previous is not None and previous.sequence == digest.sequence - 1
        if digest.valid and follows and digest.body["previous_signature"] != previous.signature:
            findings.append(
                Finding(
                    UNLINKED,
                    f"摘要 {digest.sequence} 没有接续摘要 {previous.sequence}（前一摘要签名不符）",
                )
            )
        expected = digest.sequence + 1
        previous = digest if digest.valid else None
    return findings


# ---------------------------------------------------------------------------------------------
# Walking the chain (streaming, in id order)


def _events(after_id: int = 0, upto_id: int | None = None, batch_size: int = BATCH_SIZE):
    last_id = after_id
    while True:
        qs = AuditEvent.objects.filter(id__gt=last_id).select_related("content_type")
        if upto_id is not None:
            qs = qs.filter(id__lte=upto_id)
        batch = list(qs.order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _link_problem(event: AuditEvent, expected_prev: str) -> str:
    if event.prev_hash != expected_prev:
        return "前一事件的摘要不一致（事件被删除、插入或重排）"
    if not hash_matches(event):
        return "事件内容与摘要不符（事件被篡改）"
    return ""


def verify(batch_size: int = BATCH_SIZE) -> AuditReport:
    """Verify the whole chain and every digest in one streaming pass; name each finding."""
    key = signing_key()
    digests = read_digests(key)
    report = AuditReport(digests=len(digests))
    report.findings.extend(_digest_findings(digests, key))
    valid = [d for d in digests if d.valid]
    # Anchors in id order; a digest of an empty chain anchors nothing.
    anchors = sorted(
        (d for d in valid if d.last_event_id is not None), key=lambda d: d.last_event_id
    )
    mismatched: dict[int, str] = {}  # sequence -> what is wrong at its anchor
    position = 0
    expected_prev = GENESIS_HASH
    last_seen = None
    first_id = 0
    for event in _events(batch_size=batch_size):
        while position < len(anchors) and anchors[position].last_event_id < event.id:
            anchor = anchors[position]
            mismatched[anchor.sequence] = f"锚定的事件 #{anchor.last_event_id} 已不存在"
            position += 1
        if report.broken_event_id is None and (problem := _link_problem(event, expected_prev)):
            report.broken_event_id = event.id
            report.findings.insert(
                0, Finding(CHAIN_BROKEN, f"哈希链断裂：事件 #{event.id} — {problem}")
            )
        expected_prev = event.hash
        report.checked += 1
        while position < len(anchors) and anchors[position].last_event_id == event.id:
            anchor = anchors[position]
            if event.hash != anchor.head_hash:
                mismatched[anchor.sequence] = (
                    f"锚定的事件 #{event.id} 的摘要已变（应为 {anchor.head_hash[:16]}…，"
                    f"现为 {event.hash[:16]}…）"
                )
            elif report.checked != anchor.event_count:
                mismatched[anchor.sequence] = (
                    f"截至事件 #{event.id} 应有 {anchor.event_count} 个事件，现有 {report.checked} 个"
                )
            position += 1
        last_seen = event
        first_id = first_id or event.id
    beyond = anchors[position:]  # anchored events past the end of the table
    if beyond:
        newest = max(beyond, key=lambda d: d.sequence)
        if report.checked == 0:
            report.findings.append(
                Finding(
                    TRUNCATED,
                    f"审计表已被清空（truncated）：摘要 {newest.sequence}"
                    f"（{when_text(newest.written_at)}）记录了 {newest.event_count} 个事件，"
                    "数据库中现有 0 个",
                )
            )
        else:
            report.findings.append(
                Finding(
                    TAIL_REMOVED,
                    f"末尾事件被删除（tail removed）：摘要 {newest.sequence} 要求至少 "
                    f"{newest.event_count} 个事件、截至事件 #{newest.last_event_id}"
                    f"（摘要 {newest.head_hash[:16]}…），数据库中只有 {report.checked} 个，"
                    f"最后一个是 #{last_seen.id}",
                )
            )
    if anchors and mismatched and not beyond and first_id > anchors[-1].last_event_id:
        # Every anchored event is gone and the chain restarts after them: emptied, then the
        # application carried on from a new genesis (which verifies on its own).
        newest = max(anchors, key=lambda d: d.sequence)
        report.findings.append(
            Finding(
                TRUNCATED,
                f"审计表已被清空（truncated）后又写入了 {report.checked} 个事件：摘要 "
                f"{newest.sequence}（{when_text(newest.written_at)}）记录的 "
                f"{newest.event_count} 个事件（截至事件 #{newest.last_event_id}）都已不在数据库中",
            )
        )
    elif mismatched:
        first_bad = min(mismatched)
        good = [
            d.sequence for d in valid if d.sequence < first_bad and d.sequence not in mismatched
        ]
        since = f"自摘要 {max(good)} 以来" if good else f"摘要 {first_bad} 所覆盖的"
        report.findings.append(
            Finding(
                REWRITTEN,
                f"{since}历史被改写：摘要 {first_bad} {mismatched[first_bad]}",
            )
        )
    agreeing = [
        d
        for d in valid
        if d.sequence not in mismatched and d not in beyond and d.event_count <= report.checked
    ]
    report.anchor = agreeing[-1] if agreeing else None
    _add_warnings(report, digests)
    return report


def _add_warnings(report: AuditReport, digests: list[Digest]) -> None:
    if not digests:
        report.warnings.append("尚无审计摘要：哈希链还没有锚定到数据库之外（write_audit_digest）")
        return
    latest = digests[-1]
    if latest.valid:
        max_age = datetime.timedelta(hours=settings.PARKFLOW_AUDIT_DIGEST_MAX_AGE_HOURS)
        if clock.now() - latest.written_at > max_age:
            report.warnings.append(
                f"最新摘要 {latest.sequence} 写于 {when_text(latest.written_at)}，"
                f"已超过 {settings.PARKFLOW_AUDIT_DIGEST_MAX_AGE_HOURS} 小时：定时任务是否在运行？"
            )


# ---------------------------------------------------------------------------------------------
# Writing digests


@contextmanager
def _locked_dir(directory: Path):
    """One writer at a time (the periodic task and the command may overlap)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_since(latest: Digest | None, head: AuditEvent | None) -> list[Finding]:
    """Before signing a new head: the previous anchor still holds and every event since then
    links to it. Only the new segment is walked, so the hourly task stays cheap."""
    if latest is None or latest.last_event_id is None:
        after_id, expected_prev, count = 0, GENESIS_HASH, 0
    else:
        anchored = AuditEvent.objects.filter(id=latest.last_event_id).only("hash").first()
        count = AuditEvent.objects.filter(id__lte=latest.last_event_id).count()
        if anchored is None or anchored.hash != latest.head_hash or count != latest.event_count:
            return verify().findings or [
                Finding(REWRITTEN, f"数据库与摘要 {latest.sequence} 不一致")
            ]
        after_id, expected_prev = latest.last_event_id, latest.head_hash
    if head is None:
        return [] if count == 0 else verify().findings
    for event in _events(after_id, head.id):
        if problem := _link_problem(event, expected_prev):
            return [Finding(CHAIN_BROKEN, f"哈希链断裂：事件 #{event.id} — {problem}")]
        expected_prev = event.hash
    return []


def write_digest(*, deliver_copies: bool = True) -> Digest:
    """Sign the chain's current head into the next digest file; refuse if the chain no longer
    agrees with the previous digest (signing it would launder the tampering)."""
    key = signing_key(create=True)
    directory = digest_dir()
    with _locked_dir(directory):
        digests = read_digests(key)
        problems = _digest_findings(digests, key)
        latest = digests[-1] if digests else None
        head = AuditEvent.objects.order_by("-id").only("id", "hash").first()
        problems += _check_since(latest if latest and latest.valid else None, head)
        if problems:
            raise DigestRefused(problems)
        now = clock.now().astimezone(datetime.UTC)
        sequence = latest.sequence + 1 if latest else 1
        body = {
            "format": FORMAT,
            "sequence": sequence,
            "written_at": now.isoformat(timespec="seconds"),
            "event_count": AuditEvent.objects.filter(id__lte=head.id).count() if head else 0,
            "last_event_id": head.id if head else None,
            "head_hash": head.hash if head else GENESIS_HASH,
            "previous_signature": latest.signature if latest else "",
            "key_id": _key_id(key),
        }
        signature = _sign(key, body)
        path = directory / f"digest-{sequence:06d}-{now:%Y%m%dT%H%M%SZ}.json"
        text = json.dumps({**body, "signature": signature}, ensure_ascii=False, indent=2)
        tmp = directory / f".{path.name}.tmp"
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)
    digest = Digest(path=path, sequence=sequence, body=body, signature=signature, valid=True)
    if deliver_copies:
        deliver(digest)
    return digest


# ---------------------------------------------------------------------------------------------
# Copies elsewhere: a webhook and e-mail recipients (failures are logged and alerted, not fatal)


def alert_admins(subject: str, detail: str) -> None:
    logger.error("%s: %s", subject, detail)
    mail_admins(subject, detail, fail_silently=True)


def deliver(digest: Digest) -> list[str]:
    """Send copies of the digest; return what failed (already logged and mailed to ADMINS)."""
    payload = {**digest.body, "signature": digest.signature}
    failures = []
    url = settings.PARKFLOW_AUDIT_DIGEST_WEBHOOK
    if url and not url.startswith(("https://", "http://")):
        failures.append(f"webhook: not an http(s) URL: {url}")
    elif url:
        request = urllib.request.Request(  # noqa: S310 - an administrator-configured URL
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise OSError(f"HTTP {response.status}")
        except (OSError, ValueError) as exc:
            failures.append(f"webhook: {exc}")
    if recipients := settings.PARKFLOW_AUDIT_DIGEST_EMAILS:
        try:
            send_mail(
                f"ParkFlow 审计摘要 {digest.sequence}",
                "ParkFlow 审计哈希链摘要（请原样保存，供日后核对）：\n\n"
                + json.dumps(payload, ensure_ascii=False, indent=2),
                None,
                recipients,
            )
        except Exception as exc:  # noqa: BLE001 - any mail failure is reported, never fatal
            failures.append(f"e-mail: {exc}")
    for failure in failures:
        alert_admins(f"ParkFlow audit digest {digest.sequence} not delivered", failure)
    return failures
