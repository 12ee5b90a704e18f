"""Normalising what people type before it is validated (issue 6 §6).

Chinese input methods produce full-width characters (``９１３２…Ｌ``, ``０５１２－６６８８``) and
people write numbers with spaces and dashes as printed on a card. These are the same values:
they are normalised (Unicode NFKC, separators removed, upper case) and then validated, never
refused for their spelling. The models call these in ``clean_fields`` so forms, the API, the
admin and imports all get the same result.
"""

import re
import unicodedata

# Hyphens and dashes a keyboard or a copied document may contain (NFKC maps full-width to "-").
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc.·()（）]+")
_LANDLINE_WITH_EXTENSION = re.compile(r"^(0\d{2,3})-?(\d{7,8})(?:-|转|ext\.?|x|#)(\d{1,6})$", re.I)


def nfkc(value) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def compact_code(value) -> str:
    """A code (credit code, registration number): NFKC, no spaces or dashes, upper case."""
    return _SEPARATORS.sub("", nfkc(value)).upper()


def _area_split(digits: str) -> str | None:
    """``051266881234`` → ``0512-66881234``: 3-digit area codes are 010 and 02x, all others 4."""
    area_length = 3 if digits[1] in "12" else 4
    area, number = digits[:area_length], digits[area_length:]
    if 7 <= len(number) <= 8:
        return f"{area}-{number}"
    return None


def normalise_phone(value) -> str:
    """The canonical form of a mainland phone number: a mobile as 11 digits (``13800138000``),
    a landline as ``area-number`` (``0512-66881234``) with an optional ``-extension``. Accepts
    spaces, dashes, dots, brackets, full-width digits and a ``+86`` / ``0086`` prefix. Anything
    it cannot read is returned NFKC-compacted, for the validator to refuse with its message."""
    text = nfkc(value)
    if not text:
        return ""
    spaced = re.sub(r"\s+", "", text)
    extension = _LANDLINE_WITH_EXTENSION.match(spaced)
    if extension:
        area, number, ext = extension.groups()
        return f"{area}-{number}-{ext}"
    digits = _SEPARATORS.sub("", text)
    international = False
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits, international = digits[len(prefix) :], True
            break
    if not digits.isdigit():
        return digits
    if len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits
    if digits.startswith("0") and len(digits) >= 10:
        return _area_split(digits) or digits
    return digits
