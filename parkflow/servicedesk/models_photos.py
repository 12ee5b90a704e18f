"""Photos an enterprise attaches to its service request from the phone (R-SVC-1): PNG or JPEG by
content, at most three of 5 MB each, stored under server-generated names (as qualification
documents are); downloadable only by those who may see the request."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def storage_name(enterprise_id: int, mime_type: str) -> str:
    """Server-generated, unguessable storage name under the enterprise's folder; the uploaded
    name is not kept."""
    return f"servicedesk/{enterprise_id}/{uuid.uuid4().hex}.{EXTENSIONS.get(mime_type, 'bin')}"


def photo_path(photo, filename: str) -> str:
    return storage_name(photo.request.enterprise_id, photo.mime_type)


class RequestPhoto(models.Model):
    request = models.ForeignKey(
        "servicedesk.ServiceRequest",
        verbose_name=_("服务请求"),
        on_delete=models.PROTECT,
        related_name="photos",
    )
    file = models.FileField(_("文件"), upload_to=photo_path, max_length=200)
    mime_type = models.CharField(_("文件类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("服务请求照片")
        verbose_name_plural = _("服务请求照片")
        ordering = ["request_id", "id"]

    def __str__(self):
        return f"{self.request} · {self.pk}"
