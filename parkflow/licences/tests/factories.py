"""Licence readings built through the services, with the reader replaced by a fake that returns a
chosen ``LicenceResult`` (the real OCR is tested with its own test set)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import uscc

from parkflow.enterprises.tests.factories import make_credit_code

from .. import reader, services
from ..choices import ReadingPurpose
from ..reading import FieldReading, LicenceResult, OcrLine

LICENCE_NAME = "苏州云帆智能科技有限公司"
LICENCE_CODE = make_credit_code(1313)


def png_bytes(size=(64, 40), colour=(240, 236, 228)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def licence_upload(name: str = "营业执照.png") -> SimpleUploadedFile:
    """A (blank) photo of a licence: a real PNG, so the upload checks pass."""
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def altered(code: str, position: int = 5) -> str:
    """The code with one character changed (a misread): its check digit no longer matches."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    char = code[position]
    other = alphabet[(alphabet.index(char) + 1) % len(alphabet)]
    changed = code[:position] + other + code[position + 1 :]
    assert not uscc.is_valid(changed)
    return changed


def licence_result(
    *,
    name=LICENCE_NAME,
    credit_code=LICENCE_CODE,
    unsure=(),
    legal_representative="王立新",
    representative_label="",
    registered_capital="500",
    long_term=True,
    **extra,
) -> LicenceResult:
    """What a reader gives for a clear horizontal licence (its fields as ``FIELD_KEYS``)."""
    fields = {
        "name": FieldReading(name, text=name, confidence=0.99),
        "credit_code": FieldReading(
            credit_code,
            text=credit_code,
            confidence=0.62 if unsure else 0.99,
            unsure=list(unsure),
            valid=uscc.is_valid(credit_code),
        ),
        "company_type": FieldReading("有限责任公司(自然人投资或控股)", confidence=0.97),
        "legal_representative": FieldReading(
            legal_representative,
            text=legal_representative,
            confidence=0.98,
            label=representative_label,
        ),
        "registered_capital": FieldReading(
            registered_capital, text=f"{registered_capital}万元人民币", confidence=0.97
        ),
        "established_on": FieldReading("2019-03-12", text="2019年03月12日", confidence=0.98),
        "term_from": FieldReading("2019-03-12", text="2019年03月12日", confidence=0.98),
        "term_until": FieldReading("" if long_term else "2039-03-11", confidence=0.98),
        "address": FieldReading("苏州工业园区星湖街328号", confidence=0.96),
        "business_scope": FieldReading("软件开发；信息技术咨询服务", confidence=0.95),
    }
    for key, value in extra.items():
        fields[key] = value if isinstance(value, FieldReading) else FieldReading(value)
    return LicenceResult(
        fields=fields,
        lines=[OcrLine("营业执照", [0.99] * 4, [[0, 0], [10, 0], [10, 5], [0, 5]])],
        source="image",
        layout="horizontal",
        seconds=2.4,
        long_term=long_term,
    )


STAGES = ((8, "读取文件"), (35, "检测文字"), (70, "识别文字"), (92, "提取字段"))


def fake_reader(result: LicenceResult | None = None, *, error: Exception | None = None, seen=None):
    """A stand-in for ``reader.read_licence``: reports each stage, then gives ``result`` (or
    raises ``error``). ``seen`` collects (data, mime) it was called with."""

    def read_licence(data, mime, progress=None):
        if seen is not None:
            seen.append((data, mime))
        for percent, stage in STAGES:
            if progress is not None:
                progress(percent, stage)
        if error is not None:
            raise error
        return result if result is not None else licence_result()

    return read_licence


def use_reader(monkeypatch, result=None, **kwargs):
    monkeypatch.setattr(reader, "read_licence", fake_reader(result, **kwargs))


def submitted(actor, park, *, upload=None):
    """A licence uploaded for a new register entry, waiting for the worker."""
    return services.reading_submit(
        actor=actor,
        upload=upload or licence_upload(),
        purpose=ReadingPurpose.NEW_ENTERPRISE,
        park=park,
    )


def read(monkeypatch, actor, park, result=None, **kwargs):
    """A licence uploaded and read by the (fake) reader: a finished reading."""
    reading = submitted(actor, park)
    use_reader(monkeypatch, result, **kwargs)
    services.reading_execute(reading_id=reading.pk)
    reading.refresh_from_db()
    return reading


def register_values(park, **overrides) -> dict:
    """What the confirm form sends when the person keeps the fields as read (service keywords)."""
    return {
        "park": park,
        "name": LICENCE_NAME,
        "credit_code": LICENCE_CODE,
        "legal_representative": "王立新",
        "registered_capital": "500",
        "company_type": "有限责任公司(自然人投资或控股)",
        "established_on": "2019-03-12",
        "registered_address": "苏州工业园区星湖街328号",
        "business_scope": "软件开发；信息技术咨询服务",
        "industry": "it",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        **overrides,
    }


def confirm_form(park, **overrides) -> dict:
    """The confirm page's form as posted, fields kept as read."""
    values = {
        "park": park.pk,
        "name": LICENCE_NAME,
        "credit_code": LICENCE_CODE,
        "legal_representative": "王立新",
        "registered_capital": "500",
        "company_type": "有限责任公司(自然人投资或控股)",
        "established_on": "2019-03-12",
        "registered_address": "苏州工业园区星湖街328号",
        "business_scope": "软件开发；信息技术咨询服务",
        "industry": "it",
        "grade": "b",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        "contact_email": "",
        "address": "",
        "account_manager": "",
        "licence_valid_from": "2019-03-12",
        "licence_valid_until": "",
        "licence_long_term": "on",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}
