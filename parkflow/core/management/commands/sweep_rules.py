"""``manage.py sweep_rules``: run every enabled rule now, as the periodic huey task does (R-MON-1)."""

from django.core.management.base import BaseCommand

from parkflow.core import rules


class Command(BaseCommand):
    help = "立即执行一次规则巡检 / Run every rule's sweep now."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="only these rule codes")

    def handle(self, *args, codes=(), **options):
        results = {code: rules.sweep_rule(code) for code in codes} if codes else rules.sweep_all()
        width = max((len(code) for code in results), default=10)
        for code, outcome in sorted(results.items()):
            if outcome is None:  # isolated failure: logged, noted for core.rule_failed
                self.stderr.write(f"{code.ljust(width)}  FAILED (see the error log)")
                continue
            opened, resolved = outcome
            self.stdout.write(f"{code.ljust(width)}  opened {opened}  resolved {resolved}")
        done = [r for r in results.values() if r is not None]
        total_open = sum(o for o, _r in done)
        total_resolved = sum(r for _o, r in done)
        failed = len(results) - len(done)
        self.stdout.write(
            f"{len(results)} rules swept: {total_open} opened, {total_resolved} resolved"
            + (f", {failed} failed" if failed else "")
        )
