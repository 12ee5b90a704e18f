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
