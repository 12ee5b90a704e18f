"""我的 API 令牌: a signed-in user lists, creates and revokes their own API tokens (D23).

The key of a new token is shown once, on the page that follows its creation; it is carried there
in the server-side session (never in a cookie or a URL) and dropped when shown."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from parkflow.core import clock
from parkflow.core.errors import DomainError
from parkflow.core.generic_views import submit

from . import tokens
from .models import ApiToken

NEW_KEY_SESSION = "parkflow_new_api_token"


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=60,
        help_text=gettext_lazy("写明在哪台设备或哪个程序中使用，例如“财务对账脚本”。"),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    days = forms.IntegerField(
        label=gettext_lazy("有效天数"),
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.PARKFLOW_API_TOKEN_DAYS
        self.fields["days"].max_value = limit
        self.fields["days"].initial = limit
        self.fields["days"].validators.append(MaxValueValidator(limit))
        self.fields["days"].widget.attrs["max"] = limit
        self.fields["days"].help_text = _("最长 %(days)s 天。") % {"days": limit}


def _base_template(user) -> str:
    return "portal/base.html" if user.is_enterprise_user else "base.html"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    user = request.user
    form = TokenCreateForm(request.POST or None)
    done, issued = submit(
        request,
        form,
        lambda values: tokens.issue(actor=user, name=values["name"], days=values["days"]),
    )
    if done:
        token, key = issued
        request.session[NEW_KEY_SESSION] = {"id": token.pk, "key": key}
        return redirect("org:api_tokens")
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    now = clock.now()
    rows = list(tokens.for_user(user))
    for row in rows:
        row.is_active_now = row.is_live(now)
    return render(
        request,
        "org/api_tokens.html",
        {
            "base_template": _base_template(user),
            "form": form,
            "tokens": rows,
            "new_key": new_key,
            "max_active": settings.PARKFLOW_API_TOKEN_MAX_ACTIVE,
            "portal_tab": "tokens",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    """GET asks for confirmation; POST revokes. Another user's token is "not found"."""
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    if request.method == "POST":
        try:
            tokens.revoke(actor=request.user, token=token)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已吊销令牌“%(name)s”。") % {"name": token.name})
        return redirect("org:api_tokens")
    return render(
        request,
        "org/api_token_revoke.html",
        {"base_template": _base_template(request.user), "token": token, "portal_tab": "tokens"},
    )
