"""Intake leaves ``enterprises`` (i7): its nine tables are renamed to ``intake_*`` and the models
leave this app's state; ``intake.0001_initial`` takes them over without touching the database.
Rows, ids, constraint names and foreign keys stay as they are."""

from django.db import migrations

MOVED = [
    # state deletion order: referencing models first
    "AdmissionFee",
    "AdmissionFeeTariff",
    "BrandFlag",
    "ProtectedBrand",
    "PublishedResult",
    "ReviewDraw",
    "SpotCheckCampaign",
    "QualificationDocument",
    "ConflictDeclaration",
]


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0007_merge_20261128_2247")]

    operations = [
        *[
            migrations.AlterModelTable(name=name.lower(), table=f"intake_{name.lower()}")
            for name in MOVED
        ],
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]
