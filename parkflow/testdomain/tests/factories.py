"""Builders of errands in each state, through the services and the workflow engine."""

from parkflow.core import reviews, workflow
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services
from ..gates import LARGE_AMOUNT, LEADERSHIP, SIGNOFF


def errand(park, clerk=None, *, title="甲园标记事项", assignee=None, enterprise=None, amount=0):
    clerk = clerk or staff(Role.BUSINESS_STAFF, park)
    return services.errand_create(
        actor=clerk,
        park=park,
        title=title,
        enterprise=enterprise,
        assignee=assignee or clerk,
        amount=amount,
    )


def submitted(park, clerk=None, **kwargs):
    made = errand(park, clerk, **kwargs)
    return workflow.transition(actor=made.created_by, obj=made, name="submit")


def signed_off(errand_, reviewer=None):
    """A submitted errand whose sign-off review a risk officer approved."""
    reviewer = reviewer or staff(Role.RISK_OFFICER, errand_.park)
    (review,) = SIGNOFF.request(actor=errand_.created_by, obj=errand_)
    return reviews.review_decide(actor=reviewer, review=review, decision="approve", opinion="同意")


def awaiting_leader(park, clerk, leader, *, amount="80000"):
    """A large errand signed off and signed by two finance staff, its approval asked of
    ``leader`` (the test domain's assigned gate): the review waiting for them."""
    made = submitted(park, clerk, amount=amount)
    signed_off(made)
    for review in LARGE_AMOUNT.request(actor=clerk, obj=made):
        signer = staff(Role.FINANCE_STAFF, park)
        reviews.review_decide(actor=signer, review=review, decision="approve")
    (review,) = LEADERSHIP.request(actor=clerk, obj=made, reviewers=[leader])
    return review
