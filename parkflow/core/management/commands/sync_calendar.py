"""``manage.py sync_calendar``: add the official holidays and adjusted working days that the
installed chinese-calendar package knows and the table does not (admin edits are kept)."""

from django.core.management.base import BaseCommand

from parkflow.core.calendar import sync_from_package


class Command(BaseCommand):
    help = "从 chinese-calendar 同步法定节假日与调休 / Sync holidays from chinese-calendar."

    def add_arguments(self, parser):
        parser.add_argument("--first-year", type=int, default=2020)

    def handle(self, *args, first_year=2020, **options):
        added = sync_from_package(first_year=first_year)
        self.stdout.write(f"calendar synced: {added} days added")
