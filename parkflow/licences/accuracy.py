"""How well a licence reader reads (issue 13 §D): run it over generated licences whose truth is
known and count, per field, the readings that match.

``measure(reader, items)`` takes a reader — ``read_licence`` or anything called the same way,
``reader(data, mime) -> LicenceResult`` — and items ``(sample, data, mime)`` or ``(sample, data,
mime, group)`` (``testset.LicenceCase.render`` gives the bytes); it returns a ``Report``:

* per field, exact matches after normalising both sides (NFKC, so full-width （）：；， equal
  their half-width forms; white space and a final 。 dropped; 注册资本 compared as a number);
  the credit code must match character for character; 营业期限 "长期" is right only when the
  reading says long_term and leaves term_until empty;
* seconds per licence (mean, median, slowest), timed around the reader call;
* for the credit code: the wrong reads, how many of them the reading itself flagged (``valid``
  False, or unsure characters: ``needs_verification``) — a wrong code that is not flagged is the
  failure that matters — and right reads flagged anyway.
"""

import dataclasses
import statistics
import time
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from .reading import FIELD_KEYS, FieldReading, LicenceResult

FIELD_LABELS = {
    "name": "名称",
    "credit_code": "统一社会信用代码",
    "company_type": "类型",
    "legal_representative": "法定代表人",
    "registered_capital": "注册资本",
    "established_on": "成立日期",
    "term_from": "营业期限自",
    "term_until": "营业期限至",
    "address": "住所",
    "business_scope": "经营范围",
}

Reader = Callable[[bytes, str], LicenceResult]


def normalise(text: str) -> str:
    """Full-width forms to half-width (（）：；，０-９ and Ａ-Ｚ), no white space, no full stop at
    the end (a scope ending 。 or not says the same)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).rstrip("。.")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(normalise(text))
    except InvalidOperation:
        return None


def field_matches(key: str, truth, reading: FieldReading | None, result: LicenceResult) -> bool:
    """Whether one field was read right; ``truth`` is the LicenceSample."""
    expected = getattr(truth, key)
    got = reading.value if reading is not None else ""
    if key == "credit_code":
        return got == expected
    if key == "term_until" and getattr(truth, "long_term", False):
        return result.long_term and not normalise(got)
    if key == "registered_capital" and expected and got:
        a, b = _decimal(expected), _decimal(got)
        if a is not None and b is not None:
            return a == b
    return normalise(got) == normalise(expected)


@dataclasses.dataclass
class Miss:
    """One field read wrong."""

    index: int
    group: str
    field: str
    expected: str
    got: str
    flagged: bool  # the reading marked it for verification


@dataclasses.dataclass
class Report:
    licences: int = 0
    correct: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(FIELD_KEYS, 0)
    )
    seconds: list[float] = dataclasses.field(default_factory=list)
    # CPU seconds of the process (all threads) per licence: steadier than the wall clock when
    # the machine is busy with something else; on an idle machine with N cores the wall clock
    # is at least cpu / N.
    cpu_seconds: list[float] = dataclasses.field(default_factory=list)
    all_right: int = 0  # licences with every field right
    code_wrong: int = 0
    code_caught: int = 0  # of the wrong codes, those the reading flagged
    code_flagged_right: int = 0  # right codes flagged anyway (a needless check for the person)
    misses: list[Miss] = dataclasses.field(default_factory=list)
    errors: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)  # reader raised
    # group → [licences, all fields right, fields right, seconds]
    groups: dict[str, list[float]] = dataclasses.field(default_factory=dict)

    def accuracy(self, key: str) -> float:
        return self.correct[key] / self.licences if self.licences else 0.0

    @property
    def field_accuracy(self) -> float:
        total = self.licences * len(FIELD_KEYS)
        return sum(self.correct.values()) / total if total else 0.0

    @property
    def code_silent(self) -> int:
        """Wrong codes nobody was warned about."""
        return self.code_wrong - self.code_caught

    @property
    def seconds_mean(self) -> float:
        return statistics.fmean(self.seconds) if self.seconds else 0.0

    @property
    def seconds_p50(self) -> float:
        return statistics.median(self.seconds) if self.seconds else 0.0

    @property
    def seconds_max(self) -> float:
        return max(self.seconds, default=0.0)

    def as_text(self, misses: int = 40) -> str:
        def pct(part, whole):
            return f"{100 * part / whole:5.1f} %" if whole else "    – "

        n = self.licences
        out = [
            f"营业执照 licences: {n}",
            "",
            _pad("字段 field", 34)
            + _pad("正确 right", 12, right=True)
            + _pad("准确率 accuracy", 18, right=True),
        ]
        for key in FIELD_KEYS:
            label = f"{FIELD_LABELS[key]} {key}"
            out.append(
                f"{label:<{34 - _wide(label)}}{f'{self.correct[key]}/{n}':>12}"
                f"{pct(self.correct[key], n):>18}"
            )
        right = sum(self.correct.values())
        label = "全部字段 all fields"
        out.append(
            f"{label:<{34 - _wide(label)}}{f'{right}/{n * len(FIELD_KEYS)}':>12}"
            f"{pct(right, n * len(FIELD_KEYS)):>18}"
        )
        label = "整张全对 every field right"
        out.append(
            f"{label:<{34 - _wide(label)}}{f'{self.all_right}/{n}':>12}{pct(self.all_right, n):>18}"
        )
        out += [
            "",
            f"每张耗时 seconds per licence: mean {self.seconds_mean:.2f} · p50 "
            f"{self.seconds_p50:.2f} · max {self.seconds_max:.2f} "
            f"(CPU, all threads: mean {statistics.fmean(self.cpu_seconds or [0]):.2f} · max "
            f"{max(self.cpu_seconds, default=0):.2f})",
            "",
            f"统一社会信用代码 credit code: 读错 wrong {self.code_wrong} · 其中已提示核对 caught "
            f"{self.code_caught}/{self.code_wrong} · 未提示 silent {self.code_silent} · "
            f"读对仍提示 flagged though right {self.code_flagged_right}",
        ]
        if self.errors:
            out += ["", f"读取出错 reader errors: {len(self.errors)}"]
            out += [f"  #{i} {group}: {message}" for i, group, message in self.errors[:10]]
        if self.groups:
            out += [
                "",
                _pad("分组 group", 24)
                + f"{'n':>4}"
                + _pad("全对 all right", 16, right=True)
                + _pad("字段 fields", 14, right=True)
                + _pad("s/张", 8, right=True),
            ]
            for group in sorted(self.groups):
                count, whole, fields, seconds = self.groups[group]
                out.append(
                    f"{group:<{24 - _wide(group)}}{int(count):>4}{f'{int(whole)}/{int(count)}':>16}"
                    f"{pct(fields, count * len(FIELD_KEYS)):>14}{seconds / count:>8.2f}"
                )
        if self.misses and misses:
            out += [
                "",
                f"读错的字段 misreads (first {min(misses, len(self.misses))} of {len(self.misses)}):",
            ]
            for miss in self.misses[:misses]:
                flag = " [提示核对 flagged]" if miss.flagged else ""
                out.append(
                    f"  #{miss.index} {miss.group} {miss.field}: expected {miss.expected!r} got "
                    f"{miss.got!r}{flag}"
                )
        return "\n".join(out)


def _pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    fill = " " * max(0, width - len(text) - _wide(text))
    return fill + text if right else text + fill


def _wide(text: str) -> int:
    """How many extra columns the East Asian wide characters of ``text`` take."""
    return sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")


def measure(reader: Reader, items: Iterable) -> Report:
    """Run ``reader`` over ``items`` ((sample, data, mime[, group])) and count."""
    report = Report()
    for index, item in enumerate(items):
        sample, data, mime = item[:3]
        group = item[3] if len(item) > 3 else ""
        started, cpu = time.perf_counter(), time.process_time()
        try:
            result = reader(data, mime)
        except Exception as exc:  # a crash reads nothing: every field wrong, and say why
            result = LicenceResult(fields={}, lines=[], source="")
            report.errors.append((index, group, f"{type(exc).__name__}: {exc}"))
        seconds = time.perf_counter() - started
        report.licences += 1
        report.seconds.append(seconds)
        report.cpu_seconds.append(time.process_time() - cpu)
        right_here = 0
        for key in FIELD_KEYS:
            reading = result.fields.get(key)
            if field_matches(key, sample, reading, result):
                report.correct[key] += 1
                right_here += 1
                if key == "credit_code" and reading is not None and reading.needs_verification:
                    report.code_flagged_right += 1
                continue
            flagged = reading is not None and reading.needs_verification
            if key == "credit_code":
                report.code_wrong += 1
                report.code_caught += flagged
            got = reading.value if reading is not None else ""
            if key == "term_until" and sample.long_term:
                got = f"{got} (long_term={result.long_term})"
            report.misses.append(Miss(index, group, key, getattr(sample, key), got, flagged))
        if right_here == len(FIELD_KEYS):
            report.all_right += 1
        stats = report.groups.setdefault(group or "all", [0, 0, 0, 0.0])
        stats[0] += 1
        stats[1] += right_here == len(FIELD_KEYS)
        stats[2] += right_here
        stats[3] += seconds
    return report


def case_items(cases: Iterable) -> Iterable[tuple]:
    """(sample, data, mime, group) of each ``testset.LicenceCase``, rendered one at a time."""
    for case in cases:
        data, mime = case.render()
        yield case.sample, data, mime, case.group
