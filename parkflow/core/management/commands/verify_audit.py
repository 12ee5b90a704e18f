"""``manage.py verify_audit``: walk the audit hash chain and name the first broken event (R-PLT-1)."""

from django.core.management.base import BaseCommand

from parkflow.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计哈希链 / Verify the audit hash chain."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} events verified")
            return
        self.stderr.write(f"BROKEN at event #{report.broken_event_id}: {report.problem}")
        raise SystemExit(1)
