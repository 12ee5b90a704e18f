"""Licence readings in the sidebar (企业管理: 识别营业执照建档) and as a way in from the register's
own pages (its list and its 企业建档 page offer "上传营业执照自动识别")."""

from django.utils.translation import gettext_lazy as _

from parkflow.core.registry import NavEntry, PageAction

NAVIGATION = [
    NavEntry(
        "enterprises",
        _("识别营业执照建档"),
        "licences:upload",
        "bi-upc-scan",
        action="licence_reading.submit",
        order=35,
        match=("licences:reading",),
    ),
]

PAGE_ACTIONS = [
    PageAction(
        page,
        _("上传营业执照自动识别"),
        "licences:upload",
        "bi-upc-scan",
        action="licence_reading.submit",
        order=10,
    )
    for page in ("enterprises:create", "enterprises:list")
]
