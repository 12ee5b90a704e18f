""" "Double random" (双随机, R-ENT-3): reviewers drawn at random from the eligible pool, and a
random sample of approved enterprises re-checked each quarter.

A draw is ``random.Random(seed).sample(sorted pool, k)``: the pool (sorted ids) and the seed are
stored with the result, so re-running a draw reproduces it exactly and anyone can check that
nobody picked the reviewers by hand.
"""

import random
import secrets
from decimal import ROUND_CEILING, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q

from parkflow.core import gates


def new_seed() -> str:
    return str(secrets.randbits(63))


def draw(pool: list[int], count: int, seed: str) -> list[int]:
    """The reproducible draw: same pool and seed, same result."""
    return random.Random(f"parkflow:{seed}").sample(sorted(pool), count)


def reviewer_pool(
    enterprise, gate: gates.Gate, *, submitter=None
) -> tuple[list[int], dict[str, str]]:
    """Eligible reviewers (sorted ids) and, for the record, who was excluded and why: the gate's
    reviewer roles in the enterprise's park, minus the account manager, the submitter, declared
    conflicts and lapsed compliance status (through the gate's own refusal rules)."""
    park_id = enterprise.park_id
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__role__in=gate.reviewer_roles)
        .filter(
            Q(role_assignments__unit__park_id=park_id)
            | Q(role_assignments__unit__park__isnull=True)
        )
        .distinct()
        .order_by("pk")
    )
    pool, excluded = [], {}
    for person in candidates:
        if submitter is not None and person.pk == submitter.pk:
            excluded[str(person.pk)] = "提交人"
            continue
        refusal = gates.reviewer_refusal(person, enterprise, gate)
        if refusal is None:
            pool.append(person.pk)
        else:
            excluded[str(person.pk)] = str(refusal.message)
    return pool, excluded


def sample_size(population: int, rate: Decimal, minimum: int = 1) -> int:
    if population == 0:
        return 0
    return min(
        population, max(minimum, int((Decimal(population) * rate).to_integral_value(ROUND_CEILING)))
    )
