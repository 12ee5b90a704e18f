from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "parkflow.intake"
    label = "intake"
    verbose_name = _("入驻审查")
    # Models that lived in ``enterprises`` until i7 (their tables and content types were moved,
    # not copied): audit events recorded before the move hashed these former labels.
    former_labels = dict.fromkeys(
        (
            "conflictdeclaration",
            "qualificationdocument",
            "reviewdraw",
            "spotcheckcampaign",
            "publishedresult",
            "protectedbrand",
            "brandflag",
            "admissionfeetariff",
            "admissionfee",
        ),
        "enterprises",
    )

    def ready(self):
        # Uploaded evidence elsewhere (org's compliance records) is checked like a qualification
        # document: the kernel hands the check out through a hook (D30).
        from parkflow.core import hooks

        from .documents import check_upload

        hooks.register("check_upload", check_upload)

        # A registered or renamed enterprise is checked against the protected brands (R-ENT-6),
        # in the transaction of the service that wrote it; enterprises does not import intake.
        from parkflow.enterprises.signals import enterprise_named

        enterprise_named.connect(_brand_check, dispatch_uid="intake.brand_check")


def _brand_check(sender, *, enterprise, **kwargs):
    from .services import brand_check

    brand_check(enterprise=enterprise)
