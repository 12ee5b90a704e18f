"""Checking an uploaded qualification document before anything is stored (R-ENT-2).

The type is decided by the bytes, not the name: a PDF must start with ``%PDF-`` and carry an
end-of-file marker; PNG and JPEG must open and verify with Pillow. Executables, HTML and
anything else are refused, as are empty files, files over the size limit and names that try
to escape the storage folder.

Active content is refused too (issue 6 §6): a PDF is parsed with pypdf and refused when it
cannot be parsed, is encrypted (it cannot be inspected), or carries JavaScript, automatic or
launch actions, embedded files, rich media or XFA forms anywhere reachable from its trailer
(names are compared after pypdf decodes them, so ``/J#61vaScript`` is caught). A PDF/HTML
polyglot — HTML or script markup in the file's bytes outside its streams — is refused as well.
The name shown to people is cleaned: invisible and bidirectional control characters removed,
whitespace collapsed, and a name with an executable suffix anywhere (``licence.pdf.exe``,
``licence.exe.pdf``) refused; the extension is made to match the detected type.
"""

import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parkflow.core.errors import ValidationFailed

ALLOWED_MIME = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
_SNIFF_BYTES = 8192
_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
}
# Suffixes that make a file run or render as active content when opened by name.
EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".com",
        ".bat",
        ".cmd",
        ".scr",
        ".pif",
        ".msi",
        ".msp",
        ".dll",
        ".cpl",
        ".jar",
        ".js",
        ".jse",
        ".vbs",
        ".vbe",
        ".wsf",
        ".wsh",
        ".ps1",
        ".psm1",
        ".sh",
        ".bash",
        ".app",
        ".lnk",
        ".reg",
        ".hta",
        ".html",
        ".htm",
        ".xhtml",
        ".svg",
        ".shtml",
        ".php",
        ".asp",
        ".aspx",
        ".jsp",
        ".py",
        ".pl",
        ".rb",
        ".apk",
        ".dmg",
        ".iso",
        ".docm",
        ".xlsm",
        ".pptm",
    ]
)
NAME_MAX_LENGTH = 200
# PDF names and action types that make a PDF do something when opened or clicked.
ACTIVE_PDF_KEYS = frozenset(
    [
        "/JavaScript",
        "/JS",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/Sound",
        "/Movie",
    ]
)
ACTIVE_PDF_ACTIONS = frozenset(
    [
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
    ]
)
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b", re.I)
_STREAM = re.compile(rb"(?<!end)stream\r?\n.*?endstream", re.S)
logger = logging.getLogger(__name__)


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


def _display_name(name: str) -> str:
    """Without invisible formatting characters (bidi overrides such as U+202E, which make
    ``invoice\u202efdp.exe`` read as ``invoiceexe.pdf``, zero-width spaces) and with
    whitespace collapsed to single spaces."""
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    return " ".join(name.split())


def check_name(name: str) -> str:
    name = _display_name(unicodedata.normalize("NFC", (name or "").strip()))
    if not name:
        raise _refuse(_("文件名不能为空。"))
    if (
        any(c in name for c in "/\\\x00")
        or ".." in name
        or any(unicodedata.category(c) == "Cc" for c in name)
    ):
        raise _refuse(_("文件名包含路径或控制字符（如 “../”、“/”），请重命名后上传。"))
    if len(name) > NAME_MAX_LENGTH:
        raise _refuse(_("文件名过长（最多200个字符）。"))
    suffixes = [f".{part.strip().lower()}" for part in name.split(".")[1:]]
    if any(suffix in EXECUTABLE_SUFFIXES for suffix in suffixes):
        raise _refuse(
            _("文件名含有可执行程序或网页的后缀（如 “.exe”、“.html”），请改为 “名称.pdf” 后上传。")
        )
    return name


def _with_extension(name: str, mime: str) -> str:
    """The display name with the extension of the detected type (a PDF named ``scan.png`` is
    shown as ``scan.pdf``; a name without extension gets one)."""
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in _EXTENSIONS[mime]:
        return name
    if dot and f".{suffix.lower()}" in {e for exts in _EXTENSIONS.values() for e in exts}:
        name = stem
    name = f"{name}{ALLOWED_MIME[mime]}"
    if len(name) > NAME_MAX_LENGTH:
        name = name[: NAME_MAX_LENGTH - len(ALLOWED_MIME[mime])] + ALLOWED_MIME[mime]
    return name


def _walk_pdf(reader):
    """Every name reachable from the trailer: dictionary keys and name values, iteratively (a
    crafted file must not be able to exhaust the stack), each indirect object once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                yield "key", str(key)
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject):
            yield "value", str(item)


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that cannot be parsed or carries active content (see the module doc)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    outside_streams = _STREAM.sub(b"", data)
    if _MARKUP.search(outside_streams):
        raise _refuse(_("PDF 文件中夹带网页或脚本代码，出于安全原因不予接收。"))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(_("PDF 文件已加密，无法检查其内容，请上传未加密的文件。"))
        names = list(_walk_pdf(reader))
        pages = len(reader.pages)
    except ValidationFailed:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        logger.info("unparseable PDF refused: %s", exc)
        raise _refuse(_("PDF 文件无法解析（文件损坏或格式不规范），请重新导出后上传。")) from None
    if pages == 0:
        raise _refuse(_("PDF 文件没有页面。"))
    for kind, name in names:
        if (kind == "key" and name in ACTIVE_PDF_KEYS) or (
            kind == "value" and name in ACTIVE_PDF_ACTIONS
        ):
            raise _refuse(
                _(
                    "PDF 文件含有脚本、自动执行动作或嵌入文件（%(what)s），出于安全原因不予接收；"
                    "请用“打印为 PDF”重新生成后上传。"
                )
                % {"what": name.lstrip("/")}
            )


def _sniff(head: bytes, upload, size: int) -> str:
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == "application/pdf":
        upload.seek(max(0, size - 2048))
        tail = upload.read()
        if b"%%EOF" not in tail:
            raise _refuse(_("PDF 文件不完整或已损坏（缺少文件结束标记）。"))
        upload.seek(0)
        check_pdf(upload.read())
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
    return CheckedUpload(
        original_name=_with_extension(name, mime),
        mime_type=mime,
        size=size,
        sha256=digest.hexdigest(),
    )
