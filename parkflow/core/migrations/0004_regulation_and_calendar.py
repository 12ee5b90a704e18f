"""Seed the regulation (29 articles, version 1) and the official holiday calendar."""

from django.db import migrations


def seed(apps, schema_editor):
    from parkflow.core import regulation
    from parkflow.core.calendar import package_exceptions

    regulation.load(apps.get_model("core", "Regulation"), apps.get_model("core", "Article"))
    CalendarDay = apps.get_model("core", "CalendarDay")
    if not CalendarDay.objects.exists():
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d.date, is_working_day=d.is_working_day, name=d.name)
            for d in package_exceptions(2020)
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
