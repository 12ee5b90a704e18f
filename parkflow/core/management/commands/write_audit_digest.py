"""``manage.py write_audit_digest``: sign the audit chain's head into the next digest file (D18).

The worker runs the same every hour (``core.tasks.write_audit_digest``)."""

from django.core.management.base import BaseCommand

from parkflow.core import audit_digest


class Command(BaseCommand):
    help = "写入一份签名的审计摘要 / Write a signed digest of the audit chain's head."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-deliver", action="store_true", help="不发送到 webhook / 邮件 / don't send copies"
        )

    def handle(self, *args, no_deliver=False, **options):
        try:
            digest = audit_digest.write_digest(deliver_copies=False)
        except audit_digest.DigestRefused as refused:
            for finding in refused.findings:
                self.stderr.write(f"BROKEN: {finding.message}")
            self.stderr.write("未写入摘要：哈希链与上一份摘要不一致，请先调查（verify_audit）")
            raise SystemExit(1) from None
        self.stdout.write(
            f"已写入审计摘要 {digest.sequence}：{digest.event_count} 个事件，"
            f"头部摘要 {digest.head_hash[:16]}…，文件 {digest.path}"
        )
        if not no_deliver:
            for failure in audit_digest.deliver(digest):
                self.stderr.write(f"注意：摘要副本未送达（{failure}）")
