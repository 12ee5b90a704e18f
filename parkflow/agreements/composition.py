"""What an agreement must contain before it may be submitted (R-AGR-2, R-AGR-3; Art.11):
the mandatory clause kinds, a dispute clause that names one allowed venue — a people's court or
an arbitration commission, not both (an arbitration agreement excludes the courts' jurisdiction,
so the two contradict each other) — and service lines that are either required by the
agreement's kind or confirmed by the enterprise. Each problem is its own message naming exactly
what is missing or wrong; the submit step refuses with all of them at once."""

from django.utils.translation import gettext as _

from parkflow.core.errors import Conflict

from .choices import MANDATORY_CLAUSES, ClauseKind, LineBasis, VenueKind
from .models import Venue


def _problem(code: str, message: str, requirement: str = "R-AGR-2") -> Conflict:
    return Conflict(code, message, requirement=requirement)


def clause_problems(clauses, *, allowed_venues: dict[str, str] | None = None) -> list[Conflict]:
    """Problems of a list of clauses (rows or anything with ``kind``, ``title``, ``venue_kind``,
    ``venue_name``): one per missing mandatory kind, per disallowed or missing venue, and one for
    a court and an arbitration commission named together."""
    if allowed_venues is None:
        allowed_venues = dict(Venue.objects.filter(is_active=True).values_list("name", "kind"))
    clauses = list(clauses)
    problems = []
    present = {c.kind for c in clauses}
    for kind in MANDATORY_CLAUSES:
        if kind not in present:
            problems.append(
                _problem(
                    f"clause_missing_{kind}",
                    _("缺少必备条款：%(kind)s。") % {"kind": ClauseKind(kind).label},
                )
            )
    forums = set()
    for clause in (c for c in clauses if c.kind == ClauseKind.DISPUTE):
        name = (clause.venue_name or "").strip()
        if not name or not clause.venue_kind:
            problems.append(
                _problem(
                    "venue_missing",
                    _("争议解决条款“%(title)s”未写明管辖法院或仲裁委员会。")
                    % {"title": clause.title},
                )
            )
            continue
        allowed_kind = allowed_venues.get(name)
        if allowed_kind is None:
            problems.append(
                _problem(
                    "venue_not_allowed",
                    _("争议解决条款“%(title)s”约定的“%(venue)s”不在允许的争议解决机构名单内。")
                    % {"title": clause.title, "venue": name},
                )
            )
        elif allowed_kind != clause.venue_kind:
            problems.append(
                _problem(
                    "venue_kind_mismatch",
                    _("“%(venue)s”是%(actual)s，不是%(stated)s。")
                    % {
                        "venue": name,
                        "actual": VenueKind(allowed_kind).label,
                        "stated": VenueKind(clause.venue_kind).label,
                    },
                )
            )
        forums.add(clause.venue_kind)
    if {VenueKind.COURT, VenueKind.ARBITRATION} <= forums:
        problems.append(
            _problem(
                "venue_contradiction",
                _(
                    "争议解决条款同时约定了人民法院诉讼和仲裁委员会仲裁，二者相互矛盾（约定仲裁即排除"
                    "法院管辖），请只保留一种。"
                ),
            )
        )
    return problems


def line_problems(agreement) -> list[Conflict]:
    """R-AGR-3: every line the kind requires is there; every other line was asked for by the
    enterprise and confirmed by it (portal, or a signed note)."""
    from .models import ServiceItem

    problems = []
    lines = list(agreement.lines.select_related("item"))
    have = {line.item_id for line in lines}
    required = [
        item
        for item in ServiceItem.objects.filter(park_id=agreement.park_id, is_active=True)
        if item.is_required_for(agreement.kind)
    ]
    for item in required:
        if item.pk not in have:
            problems.append(
                _problem(
                    "line_required_missing",
                    _("缺少该类协议必备的服务项：%(item)s。") % {"item": item.name},
                    "R-AGR-3",
                )
            )
    for line in lines:
        if line.basis == LineBasis.REQUESTED and line.confirmed_at is None:
            problems.append(
                _problem(
                    "line_not_confirmed",
                    _("服务项“%(item)s”为企业自主申请，尚待企业确认（门户确认或签字确认书）。")
                    % {"item": line.item.name},
                    "R-AGR-3",
                )
            )
    return problems


def fee_problems(agreement) -> list[Conflict]:
    problems = []
    for fee in agreement.fees.all():
        if fee.start_date < agreement.start_date or fee.end_date > agreement.end_date:
            problems.append(
                _problem(
                    "fee_outside_term",
                    _("费用“%(fee)s”的计费期间超出协议期限。") % {"fee": fee.label},
                    "R-AGR-5",
                )
            )
    return problems


def submission_problems(agreement) -> list[Conflict]:
    """Everything that stops submitting the agreement for review, each named."""
    return [
        *clause_problems(agreement.clauses.all()),
        *line_problems(agreement),
        *fee_problems(agreement),
    ]
