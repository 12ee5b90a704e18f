"""The text on a licence, read on this machine (issue 13).

Photos and scans go through RapidOCR's PP-OCRv4 detection and recognition models, which ship
inside the ``rapidocr-onnxruntime`` wheel: nothing is fetched at run time (a test runs this with
sockets disabled). The stages are driven one by one here, not through ``RapidOCR.__call__``, so
that the worker can report progress between them and keep each character's confidence (the
credit code's unsure characters are highlighted from it).

An e-licence PDF (电子营业执照) is read from its text layer when it has one; a PDF without one is
rendered with pdfium and read like a scan."""

import io
import logging
import math
import threading
from collections.abc import Callable

from .reading import OcrLine

logger = logging.getLogger(__name__)
Progress = Callable[[int, str], None]

# Recognition runs in batches so that a long licence shows its progress moving.
REC_BATCH = 12
# Below this the recogniser's own line score is noise (RapidOCR's default ``text_score``).
MIN_LINE_SCORE = 0.5
# A PDF whose text layer has fewer characters than this is a scan inside a PDF.
MIN_PDF_TEXT = 20
PDF_RENDER_SCALE = 200 / 72  # 200 dpi
DET_MAX_SIDE = 1280

_engine = None
_engine_lock = threading.Lock()


def engine():
    """One RapidOCR per process (loading the three models takes about half a second)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR(print_verbose=False)
        return _engine


def _report(progress: Progress | None, percent: int, stage: str) -> None:
    if progress is not None:
        progress(percent, stage)


def decode_image(data: bytes):
    """The image as a BGR array, turned upright by its EXIF orientation (a phone photo taken
    in portrait stores its pixels sideways)."""
    import numpy as np
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        rgb = np.asarray(image)
    return rgb[:, :, ::-1].copy()


def _tall_share(boxes) -> float:
    """How many detected boxes are much taller than wide: text turned by 90°."""
    import numpy as np

    if boxes is None or len(boxes) == 0:
        return 0.0
    tall = 0
    for box in boxes:
        width = np.linalg.norm(box[0] - box[1])
        height = np.linalg.norm(box[0] - box[3])
        tall += height > 1.5 * width
    return tall / len(boxes)


def _upside_down_share(angles) -> float:
    if not angles:
        return 0.0
    return sum(1 for label, _score in angles if label == "180") / len(angles)


def _detect(ocr, image):
    """Text boxes, found on the image scaled down to ``DET_MAX_SIDE`` (the detector misses
    whole lines of a sharp 1600-pixel licence that it finds at 1280, and takes half the time)
    and given back in the full image's pixels, from which the lines are cut for recognition."""
    import cv2
    import numpy as np

    prepared, ratio_h, ratio_w = ocr.preprocess(image)
    record = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
    prepared, record = ocr.maybe_add_letterbox(prepared, record)
    scale = min(1.0, DET_MAX_SIDE / max(prepared.shape[:2]))
    if scale < 1.0:
        small = cv2.resize(prepared, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        boxes, _elapsed = ocr.auto_text_det(small)
        if boxes is not None:
            boxes = [np.asarray(box, dtype=np.float32) / scale for box in boxes]
    else:
        boxes, _elapsed = ocr.auto_text_det(prepared)
    return prepared, record, boxes


def recognise_image(data: bytes, progress: Progress | None = None) -> list[OcrLine]:
    """Every line of text on a photo or scan, top to bottom, with per-character confidences
    and its box in the (upright) image's pixels."""
    import cv2
    import numpy as np

    _report(progress, 5, "load")
    ocr = engine()
    image = decode_image(data)
    _report(progress, 10, "detect")
    prepared, record, boxes = _detect(ocr, image)
    if boxes is not None and _tall_share(boxes) > 0.5:
        # Photographed sideways: most text runs top to bottom. Turn it and look again (a licence
        # upside down is put right per line by the angle classifier).
        image = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
        prepared, record, turned = _detect(ocr, image)
        if turned is not None and _tall_share(turned) < _tall_share(boxes):
            boxes = turned
        else:
            image = cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
            prepared, record, boxes = _detect(ocr, image)
    if boxes is None or len(boxes) == 0:
        _report(progress, 95, "extract")
        return []
    crops = ocr.get_crop_img_list(prepared, boxes)
    crops, angles, _elapsed = ocr.text_cls(crops)
    if _upside_down_share(angles) > 0.5:
        # Most lines read upside down: the licence lies the wrong way round. Turn the whole
        # image, so that the rows and columns come out in reading order too.
        image = cv2.rotate(image, cv2.ROTATE_180)
        prepared, record, boxes = _detect(ocr, image)
        if boxes is None or len(boxes) == 0:
            return []
        crops = ocr.get_crop_img_list(prepared, boxes)
        crops, angles, _elapsed = ocr.text_cls(crops)
    _report(progress, 35, "recognise")
    results = []
    for start in range(0, len(crops), REC_BATCH):
        batch, _elapsed = ocr.text_rec(crops[start : start + REC_BATCH], True)
        results.extend(batch)
        done = min(len(crops), start + REC_BATCH)
        _report(progress, 35 + int(55 * done / len(crops)), "recognise")
    raw_h, raw_w = image.shape[:2]
    boxes = ocr._get_origin_points(boxes, record, raw_h, raw_w)
    lines = []
    for box, result in zip(boxes, results, strict=True):
        text, score = result[0], float(result[1])
        if not text.strip() or score < MIN_LINE_SCORE:
            continue
        confidences = [float(c) for c in result[2][4]] if len(result) > 2 else []
        if len(confidences) != len(text):
            confidences = [score] * len(text)
        lines.append(
            OcrLine(
                text=text,
                confidences=[round(c, 4) for c in confidences],
                box=np.asarray(box, dtype=float).round(1).tolist(),
            )
        )
    _report(progress, 95, "extract")
    return lines


def pdf_text_lines(data: bytes) -> list[OcrLine]:
    """The text layer of a PDF's first page as lines with positions: the chunks the page draws,
    grouped into rows by their baseline and split where a wide gap separates two columns.
    Coordinates are turned to image convention (y grows downwards) in points."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    height = float(page.mediabox.height)
    chunks: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        # Text space → user space: the text matrix times the current transformation matrix.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[0] * cm[0], tm[1] * cm[1]) or 1.0
        size = (font_size or 10) * scale
        # CID fonts come out as UTF-16 with NULs between the characters in some writers.
        text = text.replace("\x00", "")
        for part in text.splitlines():
            if part.strip():
                # Text indented with ideographic spaces starts where its first glyph stands.
                indent = len(part) - len(part.lstrip("\u3000 "))
                chunks.append((height - y, x + indent * size, size, part.strip()))

    page.extract_text(visitor_text=visit)
    return _chunks_to_lines(chunks)


def _chunks_to_lines(chunks) -> list[OcrLine]:
    chunks.sort(key=lambda c: (round(c[0] / 2), c[1]))
    rows: list[list[tuple[float, float, float, str]]] = []
    for chunk in chunks:
        if rows and abs(rows[-1][0][0] - chunk[0]) < 0.4 * chunk[2]:
            rows[-1].append(chunk)
        else:
            rows.append([chunk])
    lines = []
    for row in rows:
        row.sort(key=lambda c: c[1])
        group: list[tuple[float, float, float, str]] = []
        for chunk in row:
            if group:
                last = group[-1]
                end = last[1] + _width(last)
                if chunk[1] - end > 0.8 * chunk[2]:
                    lines.append(_pdf_line(group))
                    group = []
            group.append(chunk)
        if group:
            lines.append(_pdf_line(group))
    return lines


def _width(chunk) -> float:
    # CJK glyphs are one em wide, Latin digits about half.
    return sum(chunk[2] * (1.0 if ord(ch) > 0x2E80 else 0.55) for ch in chunk[3])


def _pdf_line(group) -> OcrLine:
    text = "".join(chunk[3] for chunk in group)
    top = min(chunk[0] for chunk in group) - group[0][2]
    bottom = max(chunk[0] for chunk in group)
    left = group[0][1]
    right = group[-1][1] + _width(group[-1])
    return OcrLine(
        text=text,
        confidences=[1.0] * len(text),
        box=[[left, top], [right, top], [right, bottom], [left, bottom]],
    )


def render_pdf(data: bytes) -> bytes:
    """A scanned PDF's first page as a PNG, for the image reader."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        bitmap = document[0].render(scale=PDF_RENDER_SCALE)
        image = bitmap.to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
