"""Excel registers as a park keeps them, for the import tests and the benchmark (R-PLT-5)."""

import io

from openpyxl import Workbook

from parkflow.enterprises.tests.factories import make_credit_code

ENTERPRISE_HEADERS = [
    "企业名称*",
    "统一社会信用代码*",
    "园区*",
    "状态",
    "入驻日期",
    "客户等级",
    "行业*",
    "法定代表人*",
    "注册资本（万元）*",
    "联系人*",
    "联系电话*",
    "联系邮箱",
    "入驻地址",
]
CONTACT_HEADERS = ["单位*", "姓名*", "职务", "电话*"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_TRADE = [
    "恒远",
    "博瑞",
    "启明",
    "嘉禾",
    "晶泰",
    "凯越",
    "安捷",
    "睿驰",
    "同创",
    "云帆",
    "锦程",
    "汇智",
    "正源",
    "天衡",
    "新蓝",
    "卓越",
]
_KIND = ["科技", "精密机械", "生物医药", "新材料", "光电", "检测技术", "软件", "环保科技"]


def enterprise_row(n: int, park_name: str, *, status: str = "在园", seed_offset: int = 0):
    """One well-formed register row; ``n`` makes the name and credit code unique."""
    trade = _TRADE[n % len(_TRADE)] + _TRADE[(n // len(_TRADE)) % len(_TRADE)]
    return [
        f"苏州{trade}{_KIND[n % len(_KIND)]}有限公司{n}",
        make_credit_code(100_000 + seed_offset + n),
        park_name,
        status,
        "2021-03-01" if status == "在园" else "",
        "B级",
        "新一代信息技术",
        _SURNAMES[n % len(_SURNAMES)] + "建华",
        500 + n % 700,
        _SURNAMES[(n + 3) % len(_SURNAMES)] + "晓燕",
        f"139{n:08d}"[:11],
        f"contact{n}@example.cn",
        f"苏州工业园区星湖街{n % 300 + 1}号",
    ]


def workbook(enterprise_rows, contact_rows=(), *, headers=ENTERPRISE_HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append(headers)
    for row in enterprise_rows:
        sheet.append(row)
    contacts = book.create_sheet("应急联系人")
    contacts.append(CONTACT_HEADERS)
    for row in contact_rows:
        contacts.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "园区企业台账.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def wrong_check_digit(code: str) -> str:
    """A well-formed credit code whose last character is not its GB 32100 check digit."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


# Thirty bad rows of different kinds: (column index, bad value, words the error must contain).
BAD_CELLS = [
    (1, wrong_check_digit(make_credit_code(424_242)), "校验位"),
    (1, "9132050", "18位"),
    (1, "", "必填"),
    (0, "", "必填"),
    (2, "火星产业园", "不存在"),
    (3, "审核中", "只能导入"),
    (4, "2021-13-45", "日期"),
    (4, "2099-01-01", "不能晚于今天"),
    (4, "", "入驻日期"),
    (5, "S级", "客户等级"),
    (6, "挖矿", "行业"),
    (8, "五百万", "数字"),
    (8, -5, "0"),
    (10, "12345", "手机号"),
    (11, "not-an-email", "Email"),
]


def run_import(actor, content, capture, *, confirm=True):
    """Upload ``content`` as ``actor`` and, when it validates, confirm it — each step's on-commit
    work run through ``capture`` (pytest-django's ``django_capture_on_commit_callbacks``)."""
    from parkflow.enterprises import services_import
    from parkflow.enterprises.choices import ImportStatus

    with capture(execute=True):
        batch = services_import.import_batch_upload(actor=actor, upload=upload(content))
    batch.refresh_from_db()
    if confirm and batch.status == ImportStatus.VALID:
        with capture(execute=True):
            services_import.import_batch_confirm(actor=actor, batch=batch)
        batch.refresh_from_db()
    return batch
