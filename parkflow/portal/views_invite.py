"""Public side of "邀请开通门户" (R-PLT-3): whoever holds a valid invitation link sets the
enterprise's portal username and password. Used, expired, revoked and unknown links get a
clear page, never a form."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from parkflow.core import clock
from parkflow.core.errors import Conflict, DomainError, NotFound
from parkflow.core.forms import StyledForm, add_domain_error
from parkflow.enterprises import invitations
from parkflow.enterprises.forms import new_password_fields, username_field


class InvitationAcceptForm(StyledForm):
    username = username_field(gettext_lazy("已为您建议一个账号（统一社会信用代码），可以修改。"))
    password, password_confirm = new_password_fields()


def _invalid(request, message, status):
    return render(request, "portal/invitation_invalid.html", {"message": message}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = invitations.invitation_for_token(token)
    except NotFound:
        return _invalid(request, _("邀请链接无效，请检查链接是否完整，或联系园区工作人员。"), 404)
    state = invitation.state(clock.now())
    if state != "pending":
        return _invalid(request, invitations.INVALID_STATES[state], 410)
    if request.user.is_authenticated:
        # Accepting would sign this browser in as the new account: ask to sign out first.
        return _invalid(
            request,
            _("您当前已登录账号 %(username)s。请先退出登录，再打开此邀请链接开通门户账号。")
            % {"username": request.user.get_username()},
            409,
        )
    form = InvitationAcceptForm(
        request.POST or None,
        initial={"username": invitations.suggested_username(invitation.enterprise)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.portal_invitation_accept(token=token, **form.cleaned_data)
        except Conflict as exc:
            return _invalid(request, exc.message, 410)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("门户账号 %(username)s 已开通，欢迎使用。") % {"username": user.get_username()},
            )
            return redirect("portal:home")
    context = {
        "form": form,
        "enterprise": invitation.enterprise,
        "invitation": invitation,
    }
    return render(request, "portal/invitation_accept.html", context)
