"""``manage.py seed_demo``: load the demo park once (R-PLT-6). A second run changes nothing.

The park is what the apps declare: each app's ``demo.py`` has its ``DEMO_STEPS``
(``core.registry.DemoStep``), run here in dependency order in one transaction, sharing one
random generator, followed by one rule sweep so the alerts are the real ones.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from parkflow.core import registry, rules
from parkflow.org.demo import accounts_table

SEED = 2026


def is_loaded(steps) -> bool:
    return any(step.loaded() for step in steps if step.loaded)


@transaction.atomic
def build(steps, *, out, seed: int = SEED) -> dict:
    ctx = registry.DemoContext(seed=seed, rng=random.Random(seed), out=out)
    for step in steps:
        step.run(ctx)
    results = rules.sweep_all()
    opened = sum(r[0] for r in results.values() if r is not None)
    out(f"规则巡检 / rule sweep: {opened} alerts opened")
    return {**ctx.counts, "units": len(ctx.units), "alerts": opened}


class Command(BaseCommand):
    help = "载入演示园区数据（幂等）/ Load the demo park (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts", action="store_true", help="只打印演示账号 / only print the demo accounts"
        )

    def handle(self, *args, accounts=False, **options):
        if not accounts:
            steps = registry.demo_steps()
            if is_loaded(steps):
                self.stdout.write("demo data already loaded（演示数据已存在，未做任何修改）")
            else:
                summary = build(steps, out=self.stdout.write)
                self.stdout.write(
                    self.style.SUCCESS(
                        "演示数据已载入 / demo data loaded: "
                        f"{summary.get('enterprises', 0)} enterprises, "
                        f"{summary.get('users', 0)} accounts, {summary['alerts']} alerts"
                    )
                )
                self._anchor_audit_chain()
            # Read-only: what the demo holds now (the same on every run).
            for step in steps:
                if step.report:
                    self.stdout.write(step.report())
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
