from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import pdf_upload, prospect_create


def upload_licence(enterprise, actor, *, valid_until=None, valid_from=None):
    """A current business licence through the real upload service."""
    import datetime

    from django.utils import timezone

    from parkflow.intake import services as intake_services

    return intake_services.document_upload(
        actor=actor,
        enterprise=enterprise,
        doc_type="business_licence",
        upload=pdf_upload(),
        valid_from=valid_from or timezone.localdate() - datetime.timedelta(days=365),
        valid_until=valid_until or timezone.localdate() + datetime.timedelta(days=3650),
    )


def application_under_review(park, clerk, **values):
    """An application with a current licence, submitted for review through the services: the
    reviewers are drawn at random from the eligible reviewers of ``park`` (default two)."""
    from parkflow.enterprises import services
    from parkflow.intake import services as intake_services

    count = values.pop("reviewers", None)
    enterprise = prospect_create(actor=clerk, park=park, **values)
    upload_licence(enterprise, clerk)
    services.enterprise_apply(actor=clerk, enterprise=enterprise)
    return intake_services.enterprise_submit_for_review(
        actor=clerk, enterprise=enterprise, count=count
    )


def under_review_without_draw(enterprise) -> Enterprise:
    """Put an application under review without the reviewer draw of ``start_review`` (a test's
    own, hand-made review round follows); the transition itself always draws (workflows.py)."""
    from parkflow.enterprises.choices import EnterpriseStatus

    Enterprise.objects.filter(pk=enterprise.pk).update(status=EnterpriseStatus.UNDER_REVIEW)
    enterprise.refresh_from_db()
    return enterprise


def approve_round(enterprise, opinion=""):
    """Every reviewer of the latest admission round approves, through the gate; returns the
    enterprise as it is afterwards."""
    from parkflow.core import gates, reviews
    from parkflow.intake.gates import ADMISSION

    for review in gates.latest_round(enterprise, ADMISSION):
        reviews.decide(actor=review.assigned_to, review=review, decision="approve", opinion=opinion)
    enterprise.refresh_from_db()
    return enterprise


def publish_tariff(park, amount="5000"):
    """An admission-fee tariff for ``park`` in force from today, published by its lead."""
    from django.utils import timezone

    from parkflow.intake import services as intake_services
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    return intake_services.tariff_publish(
        actor=staff(Role.LEAD_STAFF, park),
        park=park,
        amount=amount,
        effective_from=timezone.localdate(),
    )


def review_panel(park, names=("冯晓", "郑磊", "吴静")):
    """Three eligible reviewers of ``park``, named, one of each reviewing role: an admission draw
    picks two of them."""
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    roles = (Role.RISK_OFFICER, Role.LEAD_STAFF, Role.OFFICE_STAFF)
    return [staff(role, park, display_name=name) for role, name in zip(roles, names, strict=True)]
