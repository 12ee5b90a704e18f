from django import forms
from django.utils.translation import gettext_lazy as _

from parkflow.core.forms import StyledForm

from .choices import Channel, DeliveryStatus


class DeliveryFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + DeliveryStatus.choices
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部"))] + Channel.choices
    )
    message = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": "", "channel": "", "message": None}
        return {k: self.cleaned_data.get(k) or "" for k in ("status", "channel")} | {
            "message": self.cleaned_data.get("message")
        }


class ResendForm(StyledForm):
    reason = forms.CharField(
        label=_("重发原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("记入审计追踪。结果未知的消息可能已送达，请先向接收方核实。"),
    )


class ChannelConfigForm(StyledForm):
    enabled = forms.BooleanField(label=_("启用"), required=False)
    name = forms.CharField(
        label=_("名称"),
        max_length=60,
        required=False,
        help_text=_("例如“苏州园区运营群”，显示在发送记录中。"),
    )
    webhook_url = forms.CharField(
        label=_("Webhook 地址"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    secret = forms.CharField(
        label=_("签名密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    clear_secret = forms.BooleanField(label=_("清除已保存的签名密钥"), required=False)
    reason = forms.CharField(
        label=_("修改说明"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("记入审计追踪。"),
    )

    def __init__(self, *args, kind: str, stored=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == Channel.EMAIL:
            for name in ("webhook_url", "secret", "clear_secret"):
                del self.fields[name]
            return
        if kind == Channel.WECOM:
            # WeCom's robot is not signed: its key is in the address.
            del self.fields["secret"]
            del self.fields["clear_secret"]
        if stored is not None and stored.webhook_url:
            self.fields["webhook_url"].help_text = _("已保存：%(url)s。留空则保持不变。") % {
                "url": stored.masked_webhook
            }
        if "secret" in self.fields:
            if stored is not None and stored.secret:
                self.fields["secret"].help_text = _("已保存：%(secret)s。留空则保持不变。") % {
                    "secret": stored.masked_secret
                }
            else:
                self.fields["secret"].help_text = _(
                    "群机器人安全设置中“加签”的密钥（钉钉以 SEC 开头）。"
                )
