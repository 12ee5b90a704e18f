"""The business-licence (营业执照) fields of the register (issue 13): 类型, 成立日期, 住所 and
经营范围, all optional, so that a licence read by OCR can fill them. 住所 is where the licence
registers the company, not the unit it occupies in the park (``address``)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0011_search_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="business_scope",
            field=models.TextField(
                blank=True,
                validators=[django.core.validators.MaxLengthValidator(2000)],
                verbose_name="经营范围",
            ),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="company_type",
            field=models.CharField(blank=True, max_length=60, verbose_name="类型"),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="established_on",
            field=models.DateField(blank=True, null=True, verbose_name="成立日期"),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="registered_address",
            field=models.CharField(
                blank=True,
                help_text="营业执照上登记的住所，可与入驻地址不同。",
                max_length=200,
                verbose_name="住所（执照登记）",
            ),
        ),
    ]
