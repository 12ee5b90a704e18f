"""Thin generic pieces for pages, extracted because the views repeated them (issue 7 §6).

* ``submit(request, form, call)``: on a POST with a valid form, run the service call; a
  ``DomainError`` lands on the form (``add_domain_error``). The one shape of "form → service
  → refusal in the form".
* ``form_page(...)``: ``submit`` plus the two endings every form page has — a success message
  and a redirect, or the form rendered again with its errors.
* ``list_page(...)``: filter form → selector queryset → page → the table partial for an HTMX
  request aimed at the table, the whole page otherwise.
* ``file_download(...)``: a streamed export (a temporary file from ``core.xlsx``) as an
  attachment; a refusal is a message on the list it came from.

Each is a function a view calls, not a base class: a page that needs more writes its own view
around them (or without them).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render

from .errors import DomainError
from .forms import add_domain_error, domain_error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def submit(request, form, call: Callable[[dict], Any]) -> tuple[bool, Any]:
    """``(True, result)`` when the form was posted, valid and the service took it;
    ``(False, None)`` otherwise (not posted, invalid, or refused: the refusal is on the form)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        return True, call(dict(form.cleaned_data))
    except DomainError as exc:
        add_domain_error(form, exc)
        return False, None


def form_page(
    request,
    *,
    form,
    call: Callable[[dict], Any],
    template: str,
    success_url: Callable[[Any], str] | str,
    success_message: Callable[[Any], str] | str = "",
    context: Callable[[], dict] | dict | None = None,
    error_status: int = 200,
):
    """GET shows the form; a POST that the service takes ends in the success message and a
    redirect to ``success_url(result)``; otherwise the form is shown again with its errors
    (``error_status`` for a posted one). ``context`` is built after the call, so it may look at
    the form's errors."""
    done, result = submit(request, form, call)
    if done:
        text = success_message(result) if callable(success_message) else success_message
        if text:
            messages.success(request, text)
        return redirect(success_url(result) if callable(success_url) else success_url)
    extra = context() if callable(context) else (context or {})
    status = error_status if request.method == "POST" else 200
    return render(request, template, {"form": form, **extra}, status=status)


def list_page(
    request,
    *,
    qs,
    template: str,
    partial: str,
    target: str,
    per_page: int,
    name: str = "object_list",
    context: dict | None = None,
    decorate: Callable | None = None,
):
    """One page of ``qs`` (already filtered and scoped by its selector) as ``page_obj`` and
    ``name``; an HTMX request aimed at ``target`` gets only the table partial."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    if decorate is not None:
        decorate(page.object_list)
    ctx = {"page_obj": page, name: page.object_list, **(context or {})}
    if request.htmx and request.htmx.target == target:
        return render(request, partial, ctx)
    return render(request, template, ctx)


def query_without_page(request) -> str:
    """The list's query string without its page: for an export link that keeps the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def file_download(
    request, *, build: Callable[[], tuple[Any, Any]], filename: str, back: str, content_type=XLSX
):
    """``build()`` returns ``(file, anything)`` — an open temporary file streamed as an
    attachment (closed, and so deleted, when the response is done). A refusal is a message on
    ``back``."""
    try:
        workbook, _extra = build()
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return redirect(back)
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=content_type)
