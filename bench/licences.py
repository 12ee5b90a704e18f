"""Business-licence reading on the generated standard set (make bench; make bench LICENCES=1
runs this alone; issue 13 §D).

No database: renders ``parkflow.licences.testset.standard_set()`` — 50 made-up licences, a third
and more of them vertical, clean scans, light degradation (paper, noise, a degree or two, JPEG)
and phone photos on a desk (angle, keystone, shadow, glare, defocus), plus a few e-licence PDFs
with a text layer and scanned PDFs — and runs each through the real reader
(``parkflow.licences.reader.read_licence``), offline, one at a time, as the worker does. Counts,
per field, the readings equal to the truth (``parkflow.licences.accuracy``), the seconds each
licence took, and for the credit code the wrong reads and how many of them the reading flagged
for verification.

Results are printed and written to bench/results/licences-latest.txt.

    .venv/bin/python bench/licences.py [--n 50] [--save DIR] [--misses 40]
        [--reader parkflow.licences.reader:read_licence]
"""

import argparse
import importlib
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkflow.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("PARKFLOW_TESTING", "1")


def _load(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "read_licence")


def _runtime() -> str:
    try:
        import onnxruntime

        return f"onnxruntime {onnxruntime.__version__}"
    except ImportError:  # pragma: no cover - the reader's own dependency
        return "onnxruntime missing"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50, help="licences in the set (at least 50)")
    parser.add_argument("--reader", default="parkflow.licences.reader:read_licence")
    parser.add_argument("--save", help="also write each rendered licence into this folder")
    parser.add_argument("--misses", type=int, default=40, help="misread fields to list")
    args = parser.parse_args()
    _setup_env()
    import django

    django.setup()
    from parkflow.licences import accuracy, testset

    reader = _load(args.reader)
    cases = testset.standard_set(args.n)
    save = Path(args.save) if args.save else None
    if save:
        save.mkdir(parents=True, exist_ok=True)

    rendered = []
    started = time.perf_counter()
    for index, case in enumerate(cases):
        data, mime = case.render()
        rendered.append((case.sample, data, mime, case.group))
        if save:
            suffix = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}[mime]
            (save / f"{index:02d}-{case.group.replace('/', '-')}.{suffix}").write_bytes(data)
    render_s = time.perf_counter() - started

    # The first reading loads the models; it is timed apart and not counted.
    warm = time.perf_counter()
    reader(rendered[0][1], rendered[0][2])
    warm_s = time.perf_counter() - warm

    report = accuracy.measure(reader, rendered)
    load = os.getloadavg()
    images = [c for c in cases if c.kind == "image"]
    vertical = sum(c.layout == "vertical" for c in images)
    sizes = sorted({len(d) for _, d, _, _ in rendered})
    lines = [
        "# make bench — business-licence reading on the generated standard set "
        "(bench/licences.py; issue 13 §D)",
        f"# machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}, {_runtime()}; load average {load[0]:.1f} "
        f"{load[1]:.1f} {load[2]:.1f} at the end of the run",
        f"# reader: {args.reader}; first reading (models loading) {warm_s:.1f} s, not counted",
        f"# set: parkflow.licences.testset.standard_set({args.n}) — {len(images)} pictures "
        f"({len(images) - vertical} horizontal, {vertical} vertical; "
        + ", ".join(
            f"{level} {sum(c.level == level for c in images)}"
            for level in ("clean", "light", "heavy")
        )
        + f"), {sum(c.kind == 'e_pdf' for c in cases)} e-licence PDFs, "
        f"{sum(c.kind == 'scanned_pdf' for c in cases)} scanned PDFs; rendered in "
        f"{render_s:.1f} s, {sizes[0] // 1024}–{sizes[-1] // 1024} KiB each",
        "# right = equal to the truth after NFKC (full-width punctuation) and without spaces; "
        "the credit code exactly; 长期 only with long_term",
        "",
        report.as_text(misses=args.misses),
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results" / "licences-latest.txt"
    out.write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
