"""The canonical text of a JSON-able value: what the audit chain hashes and stores (R-PLT-1).

Sorted keys, no whitespace, UTF-8 kept; dates, decimals, UUIDs, model instances and sets are
turned into JSON the same way every time. ``canonical(json.loads(canonical(v))) ==
canonical(v)``: the text survives a round trip, so the audit table can store it verbatim and
verification hash the stored text as it is (D44).
"""

import datetime
import decimal
import json
import uuid

from django.db import models


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)  # lazy translations, enums and anything else that reads as text


_ENCODE = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable
).encode


def canonical(value) -> str:
    """Stable text of a JSON-able value: sorted keys, no whitespace, UTF-8 kept."""
    return _ENCODE(value)


def normalise(value):
    """What the JSON column will give back, so the hash verifies after a round trip."""
    if value is None:
        return None
    return json.loads(canonical(value))
