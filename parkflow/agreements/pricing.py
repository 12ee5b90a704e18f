"""Prices from the park's published tariffs (R-AGR-5) and the authority matrix (R-ORG-7)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkflow.org.authority import approver_needed
from parkflow.org.choices import AuthorityKind

from .models import Tariff


def tariff_in_force(park, fee_kind: str, service_item, on):
    """The tariff of ``fee_kind`` (and service item) in force on ``on``: the latest published
    with ``effective_from`` on or before it. None when the park publishes none."""
    return (
        Tariff.objects.filter(
            park=park,
            fee_kind=fee_kind,
            service_item=service_item,
            effective_from__lte=on,
        )
        .order_by("-effective_from", "-id")
        .first()
    )


@dataclass(frozen=True)
class PriceException:
    line: object
    text: str


def price_exceptions(agreement) -> list[PriceException]:
    """The fee lines that need a leader's approval: above the tariff in force on their start
    date, or discounted beyond what the drafter may grant (the authority matrix)."""
    found = []
    for line in agreement.fees.all():
        if line.tariff_price is None:
            continue
        if line.unit_price > line.tariff_price:
            found.append(
                PriceException(
                    line,
                    _("“%(line)s”单价 %(price)s 元高于收费标准 %(tariff)s 元（%(date)s起执行）")
                    % {
                        "line": line.label,
                        "price": line.unit_price,
                        "tariff": line.tariff_price,
                        "date": date_format(line.start_date),
                    },
                )
            )
            continue
        discount = line.discount_percent
        if discount > Decimal("0") and approver_needed(
            agreement.created_by, AuthorityKind.DISCOUNT_PERCENT, discount
        ):
            found.append(
                PriceException(
                    line,
                    _("“%(line)s”折扣 %(discount)s%% 超出起草人的授权上限")
                    % {"line": line.label, "discount": discount},
                )
            )
    return found
