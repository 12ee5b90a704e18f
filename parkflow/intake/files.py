"""Qualification document upload and download for a page: the one path from an upload form into
the service and from a stored version to the browser, shared by the staff pages and the
enterprise portal (R-ENT-2)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from parkflow.core import access
from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error

from . import services
from .models import QualificationDocument


def upload_document_from(request, enterprise, form):
    """The upload form's one path into the service (staff detail page and portal alike): the new
    version on success, or None with the refusal shown on the form's fields."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        document = services.document_upload(
            actor=request.user,
            enterprise=enterprise,
            doc_type=data["doc_type"],
            upload=data["file"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            note=data["note"],
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(
        request,
        _("已上传“%(doc)s”第 %(version)s 版。")
        % {"doc": document.get_doc_type_display(), "version": document.version},
    )
    return document


def open_document(request, enterprise, document_pk):
    """Stream one version of a document to someone who may see its enterprise; audited."""
    try:
        document = access.get_for_user(
            request.user,
            QualificationDocument.objects.filter(enterprise=enterprise),
            pk=document_pk,
        )
    except NotFound:
        raise Http404 from None
    try:
        handle = services.document_open(actor=request.user, document=document)
    except DomainError:
        raise PermissionDenied from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.mime_type
    )
    response["Cache-Control"] = (
        "private, no-store"  # qualification documents stay off shared caches
    )
    return response
