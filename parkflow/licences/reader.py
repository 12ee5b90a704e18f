"""Read a business licence: the one entry point the worker, the tests and the bench call.

``read_licence(data, mime, progress)`` takes the uploaded bytes (PNG, JPEG or PDF), reports
progress as (percent, stage label) and returns a ``LicenceResult``. An e-licence PDF with a text
layer is read from the text itself; a scanned PDF is rendered and read like a photo."""

from collections.abc import Callable

from .reading import LicenceResult

Progress = Callable[[int, str], None]


def read_licence(data: bytes, mime: str, progress: Progress | None = None) -> LicenceResult:
    raise NotImplementedError("being written on main (issue 13)")
