"""``manage.py seed_demo``: load the demo park once (R-PLT-6). A second run changes nothing."""

from django.core.management.base import BaseCommand

from ._demo_data import DemoBuilder, accounts_table, intake_summary, is_loaded


class Command(BaseCommand):
    help = "载入演示园区数据（幂等）/ Load the demo park (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts", action="store_true", help="只打印演示账号 / only print the demo accounts"
        )

    def handle(self, *args, accounts=False, **options):
        if not accounts:
            if is_loaded():
                self.stdout.write("demo data already loaded（演示数据已存在，未做任何修改）")
            else:
                summary = DemoBuilder(out=self.stdout.write).build()
                self.stdout.write(
                    self.style.SUCCESS(
                        "演示数据已载入 / demo data loaded: "
                        f"{summary['enterprises']} enterprises, {summary['users']} accounts, "
                        f"{summary['alerts']} alerts"
                    )
                )
                self._anchor_audit_chain()
            # Read-only: what the intake demo holds now (the same on every run).
            self.stdout.write(intake_summary())
        self.stdout.write(accounts_table())

    def _anchor_audit_chain(self):
        """One signed digest, so the audit page shows its anchor from the start (D18)."""
        from parkflow.core import audit_digest

        try:
            digest = audit_digest.write_digest(deliver_copies=False)
        except audit_digest.DigestRefused as refused:
            # Typically digests left by an earlier database in the same var/ directory.
            self.stderr.write(
                f"注意：未写入审计摘要（{refused}）。{audit_digest.digest_dir()} 中的摘要属于另一个"
                "数据库时，演示环境可把该目录移走后运行 manage.py write_audit_digest。"
            )
            return
        self.stdout.write(
            f"审计摘要 / audit digest {digest.sequence}: {digest.event_count} events anchored"
        )
