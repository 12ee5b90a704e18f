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
        # document: the kernel hands the check out through a hook (D27).
        from parkflow.core import hooks

        from .documents import check_upload

        hooks.register("check_upload", check_upload)
