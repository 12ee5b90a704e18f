"""``manage.py verify_audit``: walk the audit hash chain and check it against the signed digests
(R-PLT-1, D18); name every finding and exit 1 if there is one. ``--incremental`` resumes from the
latest signed checkpoint of a verification run from the audit page or by the worker (D44)."""

from django.core.management.base import BaseCommand

from parkflow.core import audit_digest, audit_verify


class Command(BaseCommand):
    help = "校验审计哈希链及其签名摘要 / Verify the audit hash chain against the signed digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="从最近的检查点接着校验 / resume from the latest signed checkpoint",
        )

    def handle(self, *args, incremental=False, **options):
        checkpoint = audit_verify.latest_checkpoint() if incremental else None
        report = audit_digest.verify(checkpoint=checkpoint)
        if report.ok:
            if report.from_seq:
                self.stdout.write(
                    f"OK: {report.checked} events verified since checkpoint "
                    f"{report.from_seq} ({report.head_seq} in the chain)"
                )
            else:
                self.stdout.write(f"OK: {report.checked} events verified")
            if anchor := report.anchor:
                self.stdout.write(
                    f"已锚定到摘要 {anchor.sequence}（{audit_digest.when_text(anchor.written_at)}，"
                    f"{anchor.event_count} 个事件，头部摘要 {anchor.head_hash[:16]}…）"
                )
        for finding in report.findings:
            if finding.kind == audit_digest.CHAIN_BROKEN:
                # Kept as it was for scripts that grep it: "BROKEN at event #<id>: <problem>".
                problem = finding.message.split(" — ", 1)[-1]
                self.stderr.write(f"BROKEN at event #{report.broken_event_id}: {problem}")
            else:
                self.stderr.write(f"BROKEN: {finding.message}")
        for warning in report.warnings:
            self.stderr.write(f"注意：{warning}")
        if not report.ok:
            self.stderr.write(f"共校验 {report.checked} 个事件、{report.digests} 份摘要")
            raise SystemExit(1)
