"""``manage.py sync_calendar``: add the official holidays and adjusted working days that the
installed chinese-calendar package knows and the table does not (admin edits are kept), say
which years are official now, and warn about the years in the coverage horizon that are not
(their working days are only provisional until the State Council schedule is entered, D19)."""

from importlib.metadata import PackageNotFoundError, version

from django.core.management.base import BaseCommand

from parkflow.core import calendar, clock, rules
from parkflow.core.calendar_rules import CODE


class Command(BaseCommand):
    help = "从 chinese-calendar 同步法定节假日与调休，并报告已覆盖与缺失的年份 / Sync holidays."

    def add_arguments(self, parser):
        parser.add_argument("--first-year", type=int, default=2020)
        parser.add_argument(
            "--horizon-days",
            type=int,
            default=None,
            help="检查未来多少天（默认取“官方放假安排未录入”规则的参数）",
        )

    def handle(self, *args, first_year=2020, horizon_days=None, **options):
        added = calendar.sync_from_package(first_year=first_year)
        try:
            package = f"chinese-calendar {version('chinese-calendar')}"
        except PackageNotFoundError:  # pragma: no cover - it is a dependency
            package = "chinese-calendar"
        package_years = calendar.package_years(first_year)
        self.stdout.write(
            f"已同步 {calendar.year_ranges(package_years)} 年官方安排（{package}），新增 {added} 天"
        )
        official = sorted(calendar.official_years())
        self.stdout.write(f"已录入官方安排的年份：{calendar.year_ranges(official) or '无'}")
        if horizon_days is None:
            horizon_days = int(rules.params_for(CODE)["horizon_days"])
        missing = calendar.missing_years(clock.today(), horizon_days)
        for year in missing:
            self.stdout.write(
                self.style.WARNING(
                    f"警告：{year} 年官方安排未录入，暂按法定节假日推算（调休上班日未知）；"
                    "请在“平台 › 节假日安排”页面按国务院通知录入。"
                )
            )
        if not missing:
            self.stdout.write(f"未来 {horizon_days} 天的官方安排均已录入。")
        # Open or close the coverage alert now rather than at the next periodic sweep.
        rules.sweep_rule(CODE)
