"""Signed audit digests: the chain's head anchored outside the database (R-PLT-1, D18).

The hash chain alone proves only that the rows agree with each other: whoever can write the
table can empty it, cut its tail, or rewrite an event and recompute every later hash with the
public algorithm. So, in the manner of CloudTrail's digest files, a periodic task writes a
digest — event count, last event id, head hash, time, the previous digest's signature — signed
with HMAC-SHA256 under a key that is not in the database (environment, or a key file under
``var/``), into a directory that can live on other storage, and optionally sends it to a
webhook and to e-mail recipients. A digest anchors a position of the sealed chain (``core.audit``,
D44): ``event_count`` is the head seal's sequence number, ``last_event_id`` the event it seals,
``head_hash`` its chain hash (digests of format 1, written before the seals, anchored the head
event's own hash: the seal's ``leaf``). Verification walks the chain once, in batches, checks
every digest's anchor, and can name what happened: truncated, tail removed, history rewritten
since digest N, or a digest file forged, edited or removed. It can start from a signed
checkpoint of an earlier verification instead of the beginning (``core.audit_verify``).
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

from . import audit, clock
from .audit import GENESIS_HASH
from .canonical import canonical
from .models import AuditEvent, AuditSeal

logger = logging.getLogger("parkflow.audit")

FORMAT = "parkflow-audit-digest/2"
FORMAT_V1 = "parkflow-audit-digest/1"  # anchored the head event's own hash (before the seals)
FORMATS = frozenset({FORMAT, FORMAT_V1})
FILE_RE = re.compile(r"^digest-(\d{6,})-(\d{8}T\d{6}Z)\.json$")
WEBHOOK_TIMEOUT_SECONDS = 10
MIN_KEY_LENGTH = 32
BATCH_SIZE = audit.WALK_BATCH

# Finding kinds (stable codes; the message says it in Chinese).
TRUNCATED = "truncated"
TAIL_REMOVED = "tail_removed"
REWRITTEN = "rewritten"
CHAIN_BROKEN = "chain_broken"
FORGED = "forged_digest"
MISSING = "missing_digest"
UNLINKED = "unlinked_digest"
NO_KEY = "no_key"
CHECKPOINT = "checkpoint_mismatch"


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

    @property
    def anchors_leaf(self) -> bool:
        """A digest of format 1 anchored the head event's own hash (the seal's ``leaf``)."""
        return self.body.get("format") == FORMAT_V1


@dataclass
class AuditReport:
    """The result of verifying the chain against the digests."""

    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    anchor: Digest | None = None  # the latest valid digest the chain still agrees with
    digests: int = 0
    broken_event_id: int | None = None
    from_seq: int = 0  # where the walk started (0, or the checkpoint it resumed from)
    head_seq: int = 0  # the chain's length when the verification began
    head_hash: str = GENESIS_HASH
    head_event_id: int | None = None

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
        if not isinstance(signature, str) or data.get("format") not in FORMATS:
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
# Verifying the chain against the digests


@dataclass(frozen=True)
class Checkpoint:
    """A position of the chain an earlier verification found intact (``core.audit_verify``)."""

    seq: int
    hash: str
    event_id: int | None
    verified_at: datetime.datetime


def _seals_at(seqs) -> dict[int, tuple[int, str, str]]:
    """{seq: (event id, leaf, hash)} for the given positions, one query."""
    return {
        seq: (event_id, leaf, chain)
        for seq, event_id, leaf, chain in AuditSeal.objects.filter(seq__in=set(seqs)).values_list(
            "seq", "event_id", "leaf", "hash"
        )
    }


def _anchor_problem(digest: Digest, seal, existing: set[int]) -> str:
    """What is wrong at a digest's anchor, or "" (the seal at its position is the anchored event
    with the anchored hash)."""
    anchored_id = digest.last_event_id
    if seal is None or seal[0] != anchored_id:
        if anchored_id not in existing:
            return f"锚定的事件 #{anchored_id} 已不存在"
        now = f"现为事件 #{seal[0]}" if seal else "该位置已无事件"
        return f"锚定的事件 #{anchored_id} 已不在第 {digest.event_count} 位（{now}）"
    found = seal[1] if digest.anchors_leaf else seal[2]
    if found != digest.head_hash:
        return (
            f"锚定的事件 #{anchored_id} 的摘要已变（应为 {digest.head_hash[:16]}…，"
            f"现为 {found[:16]}…）"
        )
    return ""


def _checkpoint_problem(checkpoint: Checkpoint, head_seq: int) -> str:
    if checkpoint.seq > head_seq:
        return f"链上只剩 {head_seq} 个事件"
    seal = _seals_at([checkpoint.seq]).get(checkpoint.seq)
    if seal is None or seal[0] != checkpoint.event_id or seal[2] != checkpoint.hash:
        return f"第 {checkpoint.seq} 个事件处的摘要已变"
    return ""


def verify(
    *,
    checkpoint: Checkpoint | None = None,
    progress=None,
    on_start=None,
    batch_size: int = BATCH_SIZE,
) -> AuditReport:
    """Verify the chain and every digest; name each finding. With a ``checkpoint`` (a position
    an earlier verification found intact, signed), only the seals after it are walked — after
    checking that the checkpoint's seal is still the one it names with the same hash (a history
    rewritten before it and re-hashed forward changes that hash); if it is not, the whole chain
    is walked. ``on_start(from_seq, head_seq)`` and ``progress(checked)`` report progress."""
    audit.seal_pending(wait=True)
    key = signing_key()
    digests = read_digests(key)
    report = AuditReport(digests=len(digests))
    report.findings.extend(_digest_findings(digests, key))
    valid = [d for d in digests if d.valid]
    top = audit.head()
    if top is not None:
        report.head_seq, report.head_hash, report.head_event_id = top.seq, top.hash, top.event_id
    start, expected = 0, GENESIS_HASH
    if checkpoint is not None:
        if problem := _checkpoint_problem(checkpoint, report.head_seq):
            report.findings.append(
                Finding(
                    CHECKPOINT,
                    f"检查点（截至第 {checkpoint.seq} 个事件，{when_text(checkpoint.verified_at)}"
                    f"验证完整）与数据库不一致：{problem}，其之前的历史被改写或删除；已改为完整验证",
                )
            )
        else:
            start, expected = checkpoint.seq, checkpoint.hash
    report.from_seq = start
    if on_start is not None:
        on_start(start, report.head_seq)
    walked = audit.walk(
        after_seq=start,
        expected=expected,
        upto_seq=report.head_seq,
        progress=progress,
        batch_size=batch_size,
    )
    report.checked = walked.checked
    if walked.ok and (gap := audit.coverage_problem()):
        walked.fail(0, *gap)
    if not walked.ok:
        report.broken_event_id = walked.broken_event_id
        report.findings.insert(
            0,
            Finding(CHAIN_BROKEN, f"哈希链断裂：事件 #{walked.broken_event_id} — {walked.problem}"),
        )
    _check_anchors(report, valid)
    _add_warnings(report, digests)
    return report


def _check_anchors(report: AuditReport, valid: list[Digest]) -> None:
    """Each valid digest against the seal at its position; name what the differences mean."""
    anchors = [d for d in valid if d.last_event_id is not None]  # an empty chain anchors nothing
    seals = _seals_at(d.event_count for d in anchors if d.event_count <= report.head_seq)
    anchored_ids = {d.last_event_id for d in anchors}
    existing = set(AuditEvent.objects.filter(id__in=anchored_ids).values_list("id", flat=True))
    beyond = [d for d in anchors if d.event_count > report.head_seq]
    mismatched = {
        d.sequence: problem
        for d in anchors
        if d not in beyond and (problem := _anchor_problem(d, seals.get(d.event_count), existing))
    }
    first_event_id = None
    if report.head_seq:
        first_event_id = (
            AuditSeal.objects.filter(seq=1).values_list("event_id", flat=True).first() or 0
        )
    restarted = (
        anchors
        and not existing
        and first_event_id is not None
        and first_event_id > max(anchored_ids)
    )
    if restarted:
        # Every anchored event is gone and the chain starts after them: emptied, then the
        # application carried on from a new genesis (which verifies on its own).
        newest = max(anchors, key=lambda d: d.sequence)
        report.findings.append(
            Finding(
                TRUNCATED,
                f"审计表已被清空（truncated）后又写入了 {report.head_seq} 个事件：摘要 "
                f"{newest.sequence}（{when_text(newest.written_at)}）记录的 "
                f"{newest.event_count} 个事件（截至事件 #{newest.last_event_id}）都已不在数据库中",
            )
        )
    elif beyond:
        newest = max(beyond, key=lambda d: d.sequence)
        if report.head_seq == 0:
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
                    f"（摘要 {newest.head_hash[:16]}…），数据库中只有 {report.head_seq} 个，"
                    f"最后一个是 #{report.head_event_id}",
                )
            )
    if mismatched and not restarted:
        first_bad = min(mismatched)
        good = [
            d.sequence for d in valid if d.sequence < first_bad and d.sequence not in mismatched
        ]
        since = f"自摘要 {max(good)} 以来" if good else f"摘要 {first_bad} 所覆盖的"
        report.findings.append(
            Finding(REWRITTEN, f"{since}历史被改写：摘要 {first_bad} {mismatched[first_bad]}")
        )
    agreeing = [
        d
        for d in valid
        if d.sequence not in mismatched and d not in beyond and d.event_count <= report.head_seq
    ]
    report.anchor = agreeing[-1] if agreeing and not restarted else None


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


def _check_since(latest: Digest | None, top: AuditSeal | None) -> list[Finding]:
    """Before signing a new head: the previous anchor still holds and every seal since then
    links to it. Only the new segment is walked, so the hourly task stays cheap."""
    head_seq = top.seq if top else 0
    start, expected = 0, GENESIS_HASH
    if latest is not None and latest.last_event_id is not None:
        existing = set(
            AuditEvent.objects.filter(id=latest.last_event_id).values_list("id", flat=True)
        )
        seal = _seals_at([latest.event_count]).get(latest.event_count)
        if latest.event_count > head_seq or _anchor_problem(latest, seal, existing):
            return verify().findings or [
                Finding(REWRITTEN, f"数据库与摘要 {latest.sequence} 不一致")
            ]
        if not latest.anchors_leaf:  # a format-1 digest anchors no chain hash: walk it all once
            start, expected = latest.event_count, latest.head_hash
    walked = audit.walk(after_seq=start, expected=expected, upto_seq=head_seq)
    if walked.ok and (gap := audit.coverage_problem()):
        walked.fail(0, *gap)
    if not walked.ok:
        return [
            Finding(CHAIN_BROKEN, f"哈希链断裂：事件 #{walked.broken_event_id} — {walked.problem}")
        ]
    return []


def write_digest(*, deliver_copies: bool = True) -> Digest:
    """Sign the chain's current head into the next digest file; refuse if the chain no longer
    agrees with the previous digest (signing it would launder the tampering)."""
    key = signing_key(create=True)
    directory = digest_dir()
    with _locked_dir(directory):
        audit.seal_pending(wait=True)
        digests = read_digests(key)
        problems = _digest_findings(digests, key)
        latest = digests[-1] if digests else None
        top = audit.head()
        problems += _check_since(latest if latest and latest.valid else None, top)
        if problems:
            raise DigestRefused(problems)
        now = clock.now().astimezone(datetime.UTC)
        sequence = latest.sequence + 1 if latest else 1
        body = {
            "format": FORMAT,
            "sequence": sequence,
            "written_at": now.isoformat(timespec="seconds"),
            "event_count": top.seq if top else 0,
            "last_event_id": top.event_id if top else None,
            "head_hash": top.hash if top else GENESIS_HASH,
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
