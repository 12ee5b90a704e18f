"""上传营业执照自动识别 on the public apply page (issue 13, R-PLT-3): the applicant, who has no
account yet, photographs the licence; the worker reads it while a progress page polls; the apply
page then opens pre-filled from the reading, and one service call registers the account, the
application and the licence document version 1.

A reading belongs to the browser session that uploaded it (its key, stored hashed): any other
session — another browser, the same person after logging in — gets a 404 for it, on every route.
Uploads are throttled per address like the application itself."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from parkflow.core.errors import DomainError, NotFound
from parkflow.core.forms import add_domain_error
from parkflow.core.generic_views import submit
from parkflow.enterprises.forms import PortalApplicationForm
from parkflow.licences import mapping, selectors, services, services_portal
from parkflow.licences.choices import ReadingStatus
from parkflow.licences.forms import PortalLicenceApplicationForm, PortalLicenceUploadForm
from parkflow.licences.models import owner_hash
from parkflow.portal import throttle

THROTTLED = gettext_lazy("提交过于频繁，请一小时后再试。")


def signed_in_elsewhere(request):
    """Someone signed in has no application to make: the portal, or the staff workbench."""
    from parkflow.core import access

    if access.is_enterprise_user(request.user):
        return redirect("portal:home")
    return redirect("workbench:home")


def _own_reading(request, token):
    """The session's own reading, or 404 (another session's is the same as a missing one)."""
    key = request.session.session_key or ""
    try:
        return selectors.reading_get_for_owner(
            owner_hash=owner_hash(key) if key else "", token=token
        )
    except NotFound:
        raise Http404 from None


def _apply_url(token) -> str:
    return f"{reverse('portal:apply')}?reading={token}"


def render_apply(request, form, *, upload_form=None, status=200, **context):
    return render(
        request,
        "portal/apply.html",
        {"form": form, "upload_form": upload_form or PortalLicenceUploadForm(), **context},
        status=status,
    )


@require_POST
def licence_upload(request):
    """The licence goes to the worker under this session; its progress page follows."""
    if request.user.is_authenticated:
        return signed_in_elsewhere(request)
    form = PortalLicenceUploadForm(request.POST, request.FILES)
    if not throttle.allow(request, "portal-apply-licence"):
        form.is_valid()
        form.add_error(None, THROTTLED)
        return render_apply(request, PortalApplicationForm(), upload_form=form, status=429)
    if form.is_valid():
        if not request.session.session_key:
            request.session.save()
        try:
            reading = services.reading_submit_public(
                upload=form.cleaned_data["file"], owner_key=request.session.session_key
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # Also marks the session modified, so its cookie reaches the browser.
            request.session["portal_licence_reading"] = reading.token
            return redirect("portal:apply_licence", token=reading.token)
    return render_apply(request, PortalApplicationForm(), upload_form=form, status=400)


@require_GET
def licence_progress(request, token):
    """The reading's progress, polled every second; once finished, the pre-filled apply page."""
    reading = _own_reading(request, token)
    if reading.is_finished:
        url = _apply_url(reading.token)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        return render(request, "portal/partials/_licence_progress.html", {"reading": reading})
    return render(request, "portal/apply_licence.html", {"reading": reading})


def _prefilled_form(request, reading, result):
    if request.method == "POST":
        return PortalLicenceApplicationForm(request.POST)
    form = PortalLicenceApplicationForm()
    initial, _filled = mapping.prefill(result, form.fields)
    valid_from, valid_until = mapping.licence_validity(result)
    form.initial.update(initial)
    form.initial.update(
        {
            "licence_valid_from": valid_from,
            "licence_valid_until": None if result.long_term else valid_until,
            "licence_long_term": result.long_term,
        }
    )
    return form


def apply_from_reading(request, token):
    """The apply page after a reading: pre-filled (each field read marked, unsure characters of
    the credit code highlighted, its verification asked for), or why it could not be read and
    the form to fill by hand."""
    reading = _own_reading(request, token)
    if not reading.is_finished:
        return redirect("portal:apply_licence", token=reading.token)
    result = selectors.result_of(reading)
    usable = (
        reading.status == ReadingStatus.DONE
        and result is not None
        and reading.used_at is None
        and bool(reading.file)
    )
    if not usable:
        # Failed (or no longer usable): say why, and let them fill the form by hand.
        return render_apply(request, PortalApplicationForm(), licence_problem=reading)
    form = _prefilled_form(request, reading, result)
    status = 200
    if request.method == "POST":
        if not throttle.allow(request, "portal-apply"):
            form.is_valid()
            form.add_error(None, THROTTLED)
            status = 429
        else:
            done, registered = submit(
                request,
                form,
                lambda data: services_portal.portal_application_from_licence(
                    reading=reading,
                    owner_key=request.session.session_key or "",
                    **form.service_arguments(),
                ),
            )
            if done:
                user, enterprise = registered
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _(
                        "“%(name)s”的入驻申请已提交，营业执照已作为第 1 版营业执照存档。"
                        "材料齐备后请点击“提交资质审核”。"
                    )
                    % {"name": enterprise.name},
                )
                return redirect(f"{reverse('portal:home')}#documents")
            status = 400
    _initial, filled = mapping.prefill(result, form.fields)
    code = result.fields.get("credit_code")
    return render_apply(
        request,
        form,
        status=status,
        reading=reading,
        result=result,
        filled=filled,
        code_needs_check=bool(code and code.value and code.needs_verification),
    )
