from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "parkflow.licences"
    label = "licences"
    verbose_name = _("营业执照识别")

    def ready(self):
        # A new business licence version (staff page, portal, API) is read and compared with the
        # register; intake sends the signal after the upload committed and imports nothing of us.
        from parkflow.intake.signals import document_uploaded

        document_uploaded.connect(_read_renewed_licence, dispatch_uid="licences.renewal_read")


def _read_renewed_licence(sender, *, document, **kwargs):
    from .services import renewal_read_document

    renewal_read_document(document=document)
