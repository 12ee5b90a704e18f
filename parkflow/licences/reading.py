"""What reading a business licence gives (issue 13): the fields of the register the person
confirms, each with how sure the reading is. Plain data, stored as JSON on the reading row and
returned by the API; ``ocr.py`` produces the lines, ``fields.py`` turns lines into fields."""

from dataclasses import asdict, dataclass, field

# The fields a licence carries, in the order the confirm form shows them.
FIELD_KEYS = (
    "name",  # 名称
    "credit_code",  # 统一社会信用代码
    "company_type",  # 类型
    "legal_representative",  # 法定代表人 / 负责人 / 执行事务合伙人 / 经营者 / 投资人
    "registered_capital",  # 注册资本 (出资额), in 万元 as a decimal string: "500", "1234.5"
    "established_on",  # 成立日期 (注册日期), ISO date "2019-03-12"
    "term_from",  # 营业期限 from, ISO date
    "term_until",  # 营业期限 until, ISO date; "" when the term is 长期 (see long_term)
    "address",  # 住所 / 主要经营场所 / 经营场所
    "business_scope",  # 经营范围
)


@dataclass
class OcrLine:
    """One line of recognised text: its characters, each character's confidence (0–1) and the
    quadrilateral it was found in (four [x, y] points, image pixels; empty for a PDF text layer)."""

    text: str
    confidences: list[float]
    box: list[list[float]] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return min(self.confidences) if self.confidences else 0.0


@dataclass
class FieldReading:
    """One field as read. ``value`` is what the form is pre-filled with (normalised: an ISO
    date, 万元 as a decimal string, the credit code's 18 characters); ``text`` is what the
    licence said. ``unsure`` lists the indexes in ``value`` of characters read with low
    confidence; ``valid`` is False when the field fails its own check (a credit code's GB 32100
    check digit, a date that does not exist) and None when it has none."""

    value: str
    text: str = ""
    confidence: float = 0.0
    unsure: list[int] = field(default_factory=list)
    valid: bool | None = None
    label: str = ""  # the licence's own label, e.g. 负责人 instead of 法定代表人

    @property
    def needs_verification(self) -> bool:
        return self.valid is False or bool(self.unsure)


@dataclass
class LicenceResult:
    """Everything one reading produced."""

    fields: dict[str, FieldReading]
    lines: list[OcrLine]
    source: (
        str  # "image" (OCR of a photo or scan), "pdf_text" (an e-licence's text layer), "pdf_image"
    )
    layout: str = ""  # "horizontal" | "vertical" | "" (unknown)
    seconds: float = 0.0
    long_term: bool = False  # 营业期限 ends 长期 / 永久 / 无固定期限

    def as_json(self) -> dict:
        return {
            "fields": {key: asdict(value) for key, value in self.fields.items()},
            "lines": [asdict(line) for line in self.lines],
            "source": self.source,
            "layout": self.layout,
            "seconds": round(self.seconds, 2),
            "long_term": self.long_term,
        }

    @classmethod
    def from_json(cls, data: dict) -> "LicenceResult":
        return cls(
            fields={k: FieldReading(**v) for k, v in (data.get("fields") or {}).items()},
            lines=[OcrLine(**line) for line in data.get("lines") or []],
            source=data.get("source", ""),
            layout=data.get("layout", ""),
            seconds=data.get("seconds", 0.0),
            long_term=bool(data.get("long_term")),
        )
