"""The complaint grading matrix (R-CMP-2, Art.17 "建立投诉分级处理矩阵"): each criterion's value
against its row's thresholds; the highest grade any criterion reaches is the proposal. The rows
are data (``GradingCriterion``) an administrator edits on the 投诉分级矩阵 page."""

from dataclasses import dataclass
from decimal import Decimal

from .choices import GRADE_ORDER, ComplaintGrade, Criterion
from .models import GradingCriterion

REPEAT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Facts:
    """What the matrix grades: the criteria as recorded on the complaint."""

    enterprises: int
    safety: bool
    media: bool
    repeat: int
    amount: Decimal | None

    @classmethod
    def of(cls, complaint) -> "Facts":
        return cls(
            enterprises=complaint.enterprises_affected,
            safety=complaint.safety,
            media=complaint.media_exposure,
            repeat=complaint.repeat_count,
            amount=complaint.amount,
        )

    def value(self, criterion: str) -> Decimal:
        raw = {
            Criterion.ENTERPRISES: self.enterprises,
            Criterion.SAFETY: int(self.safety),
            Criterion.MEDIA: int(self.media),
            Criterion.REPEAT: self.repeat,
            Criterion.AMOUNT: self.amount or 0,
        }[criterion]
        return Decimal(raw)


@dataclass(frozen=True)
class Proposal:
    grade: str
    # The criteria that raised it, in words: "涉及企业数 12 ≥ 10（重大）".
    reasons: tuple[str, ...]


def propose(facts: Facts, rows=None) -> Proposal:
    rows = list(GradingCriterion.objects.all()) if rows is None else rows
    grade, reasons = ComplaintGrade.GENERAL, []
    for row in rows:
        value = facts.value(row.criterion)
        for level, threshold in (
            (ComplaintGrade.MAJOR, row.major_at),
            (ComplaintGrade.SIGNIFICANT, row.significant_at),
        ):
            if threshold is not None and value >= threshold:
                reasons.append(f"{row.get_criterion_display()}（{ComplaintGrade(level).label}）")
                if GRADE_ORDER[level] > GRADE_ORDER[grade]:
                    grade = level
                break
    return Proposal(grade, tuple(reasons))


def is_below(grade: str, other: str) -> bool:
    return GRADE_ORDER[grade] < GRADE_ORDER[other]
