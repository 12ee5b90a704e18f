"""From what a licence says to what the register holds (issue 13): which register field each
licence field fills, how values are compared, and what a confirm form is pre-filled with.

Pure functions, no queries. A register field the enterprise model does not have yet, or may not
be edited (``Enterprise.EDITABLE_FIELDS``), is simply skipped: the mapping lists
``company_type``, ``established_on``, ``registered_address`` and ``business_scope`` ahead of
the register learning them."""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from parkflow.enterprises.models import Enterprise

from .reading import FieldReading, LicenceResult

# licence field (reading.FIELD_KEYS) -> register field (Enterprise)
REGISTER_FIELDS = {
    "name": "name",
    "credit_code": "credit_code",
    "company_type": "company_type",
    "legal_representative": "legal_representative",
    "registered_capital": "registered_capital",  # 万元 on both sides
    "established_on": "established_on",
    "address": "registered_address",
    "business_scope": "business_scope",
}
# The labels a licence prints (a reading may carry its own: 负责人, 经营场所 …).
LICENCE_LABELS = {
    "name": _("名称"),
    "credit_code": _("统一社会信用代码"),
    "company_type": _("类型"),
    "legal_representative": _("法定代表人"),
    "registered_capital": _("注册资本"),
    "established_on": _("成立日期"),
    "term_from": _("营业期限自"),
    "term_until": _("营业期限至"),
    "address": _("住所"),
    "business_scope": _("经营范围"),
}
# 营业期限 长期: the document's validity is written as this date (intake's convention).
LONG_TERM_UNTIL = datetime.date(2099, 12, 31)


def register_fields(available=None) -> dict[str, str]:
    """licence field -> register field, for the register fields that exist and may be edited
    (and, with ``available``, that the form at hand has)."""
    editable = set(Enterprise.EDITABLE_FIELDS)
    return {
        licence: register
        for licence, register in REGISTER_FIELDS.items()
        if register in editable and (available is None or register in available)
    }


def register_label(register_field: str) -> str:
    return str(Enterprise._meta.get_field(register_field).verbose_name)


def _text(value) -> str:
    """Compared as people read it: full-width and half-width alike (（）and ()), spaces
    collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).split())


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def comparable(register_field: str, value):
    """A value reduced to what matters for "is it the same": numbers as numbers, dates as
    dates, credit codes upper-case without spaces, text without width or spacing differences."""
    if value in (None, ""):
        return None
    if register_field == "registered_capital":
        return _decimal(value)
    if register_field == "established_on":
        return _date(value)
    text = _text(value)
    if register_field == "credit_code":
        text = text.replace(" ", "").replace("-", "").upper()
    return text or None


def register_value(register_field: str, licence_value: str):
    """The licence's value as the register stores it, or None when it cannot be (a date that
    does not exist, a capital that is not a number)."""
    if register_field == "registered_capital":
        return _decimal(licence_value)
    if register_field == "established_on":
        return _date(licence_value)
    text = " ".join(str(licence_value or "").split())
    return text or None


def licence_validity(result: LicenceResult) -> tuple[datetime.date | None, datetime.date | None]:
    """营业期限 as the licence document's validity: from, until (长期 → 2099-12-31)."""
    fields = result.fields
    start = _date(getattr(fields.get("term_from"), "value", ""))
    if result.long_term:
        return start, LONG_TERM_UNTIL
    return start, _date(getattr(fields.get("term_until"), "value", ""))


@dataclass
class Prefilled:
    """One form field filled from the licence: what the form shows beside it."""

    register_field: str
    licence_field: str
    reading: FieldReading
    licence_label: str  # the licence's own label where it differs from the register's

    @property
    def needs_verification(self) -> bool:
        return self.reading.needs_verification

    def marked(self) -> list[tuple[str, bool]]:
        """The value's characters in runs, each run unsure or not (for <mark>)."""
        unsure = set(self.reading.unsure)
        runs: list[tuple[str, bool]] = []
        for index, char in enumerate(self.reading.value):
            flag = index in unsure
            if runs and runs[-1][1] == flag:
                runs[-1] = (runs[-1][0] + char, flag)
            else:
                runs.append((char, flag))
        return runs


def prefill(result: LicenceResult, available) -> tuple[dict, dict[str, Prefilled]]:
    """The confirm form's initial values from a reading and, per register field filled, what
    the form says of it. Only fields the form has (``available``) and the licence gave."""
    initial, filled = {}, {}
    for licence, register in register_fields(available).items():
        reading = result.fields.get(licence)
        if reading is None or not reading.value:
            continue
        value = register_value(register, reading.value)
        if value is None:
            continue
        initial[register] = value
        own = (reading.label or "").strip()
        standard = str(LICENCE_LABELS[licence])
        filled[register] = Prefilled(
            register, licence, reading, own if own and own != standard else ""
        )
    return initial, filled


def shown(register_field: str, value) -> str:
    """A value as a page shows it: 万元 with the amount, dates in Chinese."""
    if value in (None, ""):
        return "—"
    if register_field == "registered_capital":
        number = _decimal(value)
        if number is not None:
            return f"{number:,.2f} 万元"
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


@dataclass
class Difference:
    """A register field on which a renewed licence says something else."""

    register_field: str
    label: str
    register_value: object
    licence_value: object
    licence_label: str = ""

    @property
    def shown_register(self) -> str:
        return shown(self.register_field, self.register_value)

    @property
    def shown_licence(self) -> str:
        return shown(self.register_field, self.licence_value)


def differences(result: LicenceResult, enterprise) -> list[Difference]:
    """The register fields a licence reading disagrees with (compared normalised), in the
    licence's order; fields the licence did not give, or gave unreadably, are not differences."""
    rows = []
    for licence, register in register_fields().items():
        reading = result.fields.get(licence)
        if reading is None or not reading.value:
            continue
        value = register_value(register, reading.value)
        if value is None:
            continue
        current = getattr(enterprise, register, None)
        if comparable(register, current) == comparable(register, value):
            continue
        own = (reading.label or "").strip()
        rows.append(
            Difference(
                register,
                register_label(register),
                current,
                value,
                own if own and own != str(LICENCE_LABELS[licence]) else "",
            )
        )
    return rows
