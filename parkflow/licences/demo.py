"""The demo park's licence reading (issue 13), a ``seed_demo`` part:

* sample licences to try "上传营业执照自动识别" with, written to ``var/demo/licences/``: a
  horizontal licence photographed on a desk, a vertical scan, an e-licence PDF with its text
  layer, and a photo whose printed credit code has one character wrong (the confirm form then
  demands verification). They are made-up enterprises, none of them in the register yet;
* a renewed licence of the portal enterprise (``ent_a``'s 苏州纳微光电科技有限公司): the
  enterprise uploaded it in the portal with a new legal representative and a higher registered
  capital, it was read, and the enterprise page (staff) and the portal home show what changed
  against the register, for staff to apply through the register's edit."""

import dataclasses
import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from parkflow.core import clock
from parkflow.core.registry import DemoStep
from parkflow.enterprises.demo import PORTAL_ENTERPRISE
from parkflow.enterprises.models import Enterprise

from . import services, testset
from .models import LicenceReading

SAMPLES_DIR = Path(settings.VAR_DIR) / "demo" / "licences"
RENEWED_REPRESENTATIVE = "赵新民"


def _samples_dir() -> Path:
    return SAMPLES_DIR


def write_samples(ctx) -> None:
    folder = _samples_dir()
    folder.mkdir(parents=True, exist_ok=True)
    people = testset.samples(4, seed=2026)
    light = testset.Degradation.preset("light", 21)
    heavy = testset.Degradation.preset("heavy", 22)
    files = {
        "营业执照示例-横版照片.jpg": testset.render_licence(
            people[0], layout="horizontal", degrade=heavy, seed=22
        ),
        "营业执照示例-竖版扫描.png": testset.render_licence(
            people[1], layout="vertical", degrade=None, seed=23
        ),
        "电子营业执照示例.pdf": testset.e_licence_pdf(people[2]),
        "营业执照示例-信用代码有误.jpg": testset.render_licence(
            dataclasses.replace(people[3], credit_code=testset.altered_code(people[3].credit_code)),
            layout="horizontal",
            degrade=light,
            seed=21,
        ),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    ctx.counts["licence samples"] = len(files)


def renewed_licence(ctx) -> None:
    """ent_a uploads a renewed licence: a new legal representative, capital raised."""
    from parkflow.intake import services as intake_services
    from parkflow.intake.demo import licence_pdf

    enterprise = Enterprise.objects.get(name=PORTAL_ENTERPRISE)
    renewed = Enterprise(
        **{
            f.attname: getattr(enterprise, f.attname)
            for f in Enterprise._meta.concrete_fields
            if not f.generated
        }
    )
    renewed.legal_representative = RENEWED_REPRESENTATIVE
    renewed.registered_capital = enterprise.registered_capital * 2
    today = clock.today()
    valid_from = enterprise.established_on or today - datetime.timedelta(days=2000)
    document = intake_services.document_upload(
        actor=ctx.users["ent_a"],
        enterprise=enterprise,
        doc_type="business_licence",
        upload=SimpleUploadedFile(
            "营业执照（换发）.pdf",
            licence_pdf(renewed, valid_from, datetime.date(2099, 12, 31)),
            content_type="application/pdf",
        ),
        valid_from=valid_from,
        valid_until=datetime.date(2099, 12, 31),
        note="法定代表人变更后换发的营业执照",
    )
    # The upload queues the reading after commit; the demo reads it now, so the difference is
    # there when the park opens (the worker finds it done).
    reading = LicenceReading.objects.filter(
        document=document
    ).first() or services.renewal_read_document(document=document)
    if reading is not None:
        services.reading_execute(reading_id=reading.pk)


def loaded() -> bool:
    return LicenceReading.objects.filter(
        enterprise__name=PORTAL_ENTERPRISE, purpose="renewal", status="done"
    ).exists()


def summary() -> str:
    folder = _samples_dir()
    names = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    if not names:
        return ""
    return f"营业执照识别示例文件（{folder}）：{'、'.join(names)}"


DEMO_STEPS = [
    DemoStep("licences.samples", write_samples, after=("enterprises.portal",), report=summary),
    DemoStep(
        "licences.renewal",
        renewed_licence,
        after=("intake.spot_check", "licences.samples"),
        loaded=loaded,
    ),
]
