"""Checking an uploaded qualification document before anything is stored (R-ENT-2).

The type is decided by the bytes, not the name: a PDF must start with ``%PDF-`` and carry an
end-of-file marker; PNG and JPEG must open and verify with Pillow. Executables, HTML and
anything else are refused, as are empty files, files over the size limit and names that try
to escape the storage folder.
"""

import hashlib
import io
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import ValidationFailed

ALLOWED_MIME = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
_SNIFF_BYTES = 8192


def max_upload_bytes() -> int:
    return int(getattr(settings, "PARKFLOW_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    mime_type: str
    size: int
    sha256: str


def _refuse(message) -> ValidationFailed:
    return ValidationFailed({"file": [message]}, requirement="R-ENT-2")


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise _refuse(_("文件名不能为空。"))
    if (
        any(c in name for c in "/\\\x00")
        or ".." in name
        or any(unicodedata.category(c) == "Cc" for c in name)
    ):
        raise _refuse(_("文件名包含路径或控制字符（如 “../”、“/”），请重命名后上传。"))
    if len(name) > 200:
        raise _refuse(_("文件名过长（最多200个字符）。"))
    return name


def _sniff(head: bytes, upload, size: int) -> str:
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/pdf":
        upload.seek(max(0, size - 2048))
        tail = upload.read()
        if b"%%EOF" not in tail:
            raise _refuse(_("PDF 文件不完整或已损坏（缺少文件结束标记）。"))
        return mime
    if mime in ("image/png", "image/jpeg"):
        from PIL import Image, UnidentifiedImageError

        upload.seek(0)
        try:
            with Image.open(io.BytesIO(upload.read())) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _refuse(_("图片文件已损坏，无法打开。")) from None
        return mime
    raise _refuse(
        _("只接受 PDF、JPG、PNG 格式的文件（按文件内容识别，当前文件内容为：%(kind)s）。")
        % {"kind": mime or _("无法识别的格式")}
    )


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded file (Django ``UploadedFile`` or any file object with ``name``/``size``)."""
    name = check_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise _refuse(_("文件为空，请选择有内容的文件。"))
    limit = max_upload_bytes()
    if size > limit:
        raise _refuse(
            _("文件大小 %(size).1f MB 超过上限 %(limit).0f MB。")
            % {"size": size / 1048576, "limit": limit / 1048576}
        )
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    mime = _sniff(head, upload, size)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(original_name=name, mime_type=mime, size=size, sha256=digest.hexdigest())
