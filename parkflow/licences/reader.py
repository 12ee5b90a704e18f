"""Read a business licence: the one entry point the worker, the tests and the bench call.

``read_licence(data, mime, progress)`` takes the uploaded bytes (PNG, JPEG or PDF), reports
progress as (percent, stage) and returns a ``LicenceResult``. An e-licence PDF with a text layer
is read from the text itself; a scanned PDF is rendered and read like a photo. Nothing here
touches the network or the database."""

import time
from collections.abc import Callable

from . import fields, ocr
from .reading import LicenceResult

Progress = Callable[[int, str], None]


def read_licence(data: bytes, mime: str, progress: Progress | None = None) -> LicenceResult:
    started = time.perf_counter()
    if mime == "application/pdf":
        lines = ocr.pdf_text_lines(data)
        if sum(len(line.text) for line in lines) >= ocr.MIN_PDF_TEXT:
            if progress is not None:
                progress(90, "extract")
            result = fields.extract(lines, source="pdf_text")
            result.seconds = time.perf_counter() - started
            return result
        data, source = ocr.render_pdf(data), "pdf_image"
    else:
        source = "image"
    result = fields.extract(ocr.recognise_image(data, progress), source=source)
    result.seconds = time.perf_counter() - started
    return result
