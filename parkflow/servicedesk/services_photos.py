"""A service request filed with photos from the phone, and opening one (R-SVC-1).

The photos are checked before anything is stored — PNG or JPEG by their bytes (Pillow must open
and verify them), at most ``MAX_PHOTOS`` of ``MAX_BYTES`` each — then stored under
server-generated names; the request and its photos are written in one transaction with
``services.request_submit`` (whose checks and audit event they share) and the files removed again
if it fails. A photo is opened only by someone who may see its request: staff of its park, the
enterprise's own users."""

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock
from parkflow.core.db import service
from parkflow.core.errors import ValidationFailed

from . import services
from .models_photos import RequestPhoto, storage_name

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
ALLOWED = ("image/png", "image/jpeg")

SYSTEM_OPERATIONS = {
    "check_photo": "pure: checks one uploaded file's size and type before anything is stored",
}


@dataclass(frozen=True)
class CheckedPhoto:
    upload: object
    mime_type: str
    size: int
    sha256: str


def _refuse(message) -> ValidationFailed:
    return ValidationFailed({"photos": [message]}, requirement="R-SVC-1")


def check_photo(upload) -> CheckedPhoto:
    """The photo's type by its content (PNG or JPEG that Pillow opens) and its size."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    name = getattr(upload, "name", "") or _("照片")
    if not size:
        raise _refuse(_("照片“%(name)s”是空文件。") % {"name": name})
    if size > MAX_BYTES:
        raise _refuse(
            _("照片“%(name)s”大小 %(size).1f MB，超过 %(limit)s MB 的上限。")
            % {"name": name, "size": size / 1048576, "limit": MAX_BYTES // 1048576}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    mime = kind.mime if kind else ""
    if mime not in ALLOWED:
        raise _refuse(
            _("“%(name)s”不是 JPG 或 PNG 格式的照片（按文件内容识别）。") % {"name": name}
        )
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(io.BytesIO(upload.read())) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(_("照片“%(name)s”已损坏，无法打开。") % {"name": name}) from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedPhoto(upload=upload, mime_type=mime, size=size, sha256=digest.hexdigest())


def request_submit_with_photos(
    *, actor, enterprise, category: str, title: str, description: str, photos=()
):
    """``services.request_submit`` with up to three photos: nothing is written unless every
    photo passes; the photos' storage names are the server's."""
    access.ensure(actor, "service_request.submit", enterprise, requirement="R-SVC-1")
    photos = [p for p in photos or () if p]
    if len(photos) > MAX_PHOTOS:
        raise _refuse(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    checked = [check_photo(p) for p in photos]
    stored = []
    try:
        for photo in checked:
            name = storage_name(enterprise.pk, photo.mime_type)
            stored.append(default_storage.save(name, photo.upload))
        return _submit(
            actor=actor,
            enterprise=enterprise,
            category=category,
            title=title,
            description=description,
            photos=list(zip(checked, stored, strict=True)),
        )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@service
def _submit(*, actor, enterprise, category, title, description, photos):
    request = services.request_submit(
        actor=actor,
        enterprise=enterprise,
        category=category,
        title=title,
        description=description,
    )
    if photos:
        now = clock.now()
        RequestPhoto.objects.bulk_create(
            RequestPhoto(
                request=request,
                file=name,
                mime_type=photo.mime_type,
                size=photo.size,
                sha256=photo.sha256,
                uploaded_by=actor,
                uploaded_at=now,
            )
            for photo, name in photos
        )
        audit.record(
            actor,
            "service_request.photos_add",
            request,
            after={"photos": len(photos), "sha256": [photo.sha256 for photo, _n in photos]},
        )
    return request


def photo_open(*, actor, photo: RequestPhoto):
    """Open a photo for someone who may see its request (a read: not audited)."""
    access.ensure(actor, "service_request.view", photo.request, requirement="R-SVC-1")
    return photo.file.open("rb")
