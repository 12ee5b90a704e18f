from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ErrandStatus


class Errand(models.Model):
    """一个园区事项: raised in a park, optionally for an enterprise, submitted, signed off."""

    park = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("事项"), max_length=100)
    # What the errand costs: at or above the large-amount threshold it needs two finance
    # signatures and a leader's approval after the sign-off (gates.py, R-BIL-4).
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(
        _("状态"), max_length=12, choices=ErrandStatus.choices, default=ErrandStatus.DRAFT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # People who declared a conflict of interest with this errand: they never sign it (R-ORG-4).
    conflicted = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("申报利益冲突人员"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("园区事项")
        verbose_name_plural = _("园区事项")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="errand_newest")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # Built from the pk alone: the audit page links events without loading rows.
        return reverse("testdomain:detail", args=[self.pk])
