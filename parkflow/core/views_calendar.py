"""节假日安排 (issue 6 §3, D19): which years' official schedules are loaded, the days of a year,
a working-day calculator that says when its answer is provisional, and the page where a
headquarters administrator enters next year's State Council schedule (preview, then confirm)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import calendar, calendar_schedule, clock, rules
from .calendar_rules import CODE as COVERAGE_RULE
from .errors import DomainError
from .forms import StyledForm, add_domain_error
from .models import CalendarDay, CalendarYear
from .views import staff_page


class WorkingDayForm(StyledForm):
    start = forms.DateField(
        label=gettext_lazy("起算日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.IntegerField(label=gettext_lazy("工作日数"), min_value=0, max_value=366)


class ScheduleForm(StyledForm):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=2004, max_value=2100)
    notice = forms.CharField(
        label=gettext_lazy("通知文号"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("例如“国办发明电〔2026〕7号”，记入审计追踪。"),
    )
    schedule = forms.CharField(
        label=gettext_lazy("放假安排"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 9, "class": "font-monospace", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "每行一个节日：名称, 放假起止日期, 调休上班日（多个用空格或顿号分隔）。"
            "例如“春节, 2027-02-05~2027-02-12, 2027-02-14 2027-02-20”。"
        ),
    )
    upload = forms.FileField(
        label=gettext_lazy("或上传 Excel / CSV"),
        required=False,
        help_text=gettext_lazy("按下载的模板填写；上传的内容会填入上面的文本框供预览。"),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        upload = data.get("upload")
        if upload:
            try:
                data["schedule"] = calendar_schedule.file_to_text(upload)
            except ValueError as exc:
                self.add_error("upload", str(exc))
                return data
        if not (data.get("schedule") or "").strip():
            self.add_error("schedule", _("请填写放假安排或上传文件。"))
            return data
        rows, errors = calendar_schedule.parse_text(data["year"], data["schedule"])
        for error in errors:
            self.add_error("schedule", error)
        if not errors:
            for error in calendar_schedule.validate(data["year"], rows):
                self.add_error("schedule", error)
        data["rows"] = rows
        return data


def _horizon_days() -> int:
    return int(rules.params_for(COVERAGE_RULE)["horizon_days"])


def _year_days(year: int, official: bool) -> list[dict]:
    rows = [
        {
            "date": day,
            "label": calendar_schedule.date_label(day),
            "working": working,
            "name": name,
            "provisional": False,
        }
        for day, working, name in CalendarDay.objects.filter(date__year=year).values_list(
            "date", "is_working_day", "name"
        )
    ]
    if not official:
        # Every statutory day, weekends included, so the year reads like the law; only the
        # weekday ones change a working-day count.
        stored = {row["date"] for row in rows}
        rows += [
            {
                "date": day,
                "label": calendar_schedule.date_label(day),
                "working": False,
                "name": name,
                "provisional": True,
                "weekend": day.weekday() >= 5,
            }
            for day, name in calendar.statutory_holidays(year)
            if day not in stored and year >= calendar.STATUTORY_SINCE
        ]
    return sorted(rows, key=lambda row: row["date"])


@staff_page("calendar.view")
def calendar_overview(request):
    today = clock.today()
    records = {r.year: r for r in CalendarYear.objects.select_related("entered_by")}
    official = {y for y, r in records.items() if r.is_official}
    first = min(official, default=today.year)
    years = []
    for year in range(first, max(today.year + 1, max(records, default=today.year)) + 1):
        record = records.get(year)
        years.append(
            {
                "year": year,
                "record": record,
                "official": year in official,
                "correctable": year >= today.year,
            }
        )
    try:
        selected = int(request.GET.get("year") or today.year + 1)
    except ValueError:
        selected = today.year + 1
    selected = min(max(selected, 2004), 2100)
    form = WorkingDayForm(request.GET if "start" in request.GET else None)
    answer = None
    if form.is_bound and form.is_valid():
        answer = calendar.add_working_days_detail(
            form.cleaned_data["start"], form.cleaned_data["days"]
        )
    horizon = _horizon_days()
    missing = calendar.missing_years(today, horizon)
    context = {
        "years": years,
        "selected": selected,
        "selected_official": selected in official,
        "selected_record": records.get(selected),
        "days": _year_days(selected, selected in official),
        "form": form,
        "answer": answer,
        "answer_weekday": calendar_schedule.weekday_label(answer.value) if answer else "",
        "missing": missing,
        "missing_notice": calendar.provisional_notice(missing),
        "horizon": horizon,
        "may_manage": calendar_schedule.may_manage(request.user),
        "year_choices": [y["year"] for y in years],
    }
    return render(request, "core/calendar.html", context)


@staff_page("calendar.view")
@require_http_methods(["GET", "POST"])
def calendar_enter(request):
    # The sidebar policy says "office staff or system admin"; the calendar is national, so the
    # role must be held at headquarters — the service checks the same (calendar_schedule).
    if not calendar_schedule.may_manage(request.user):
        raise PermissionDenied
    today = clock.today()
    initial_year = request.GET.get("year") or (today.year + 1)
    form = ScheduleForm(request.POST or None, request.FILES or None, initial={"year": initial_year})
    preview = None
    if request.method == "POST" and form.is_valid():
        year, rows = form.cleaned_data["year"], form.cleaned_data["rows"]
        if request.POST.get("action") == "confirm":
            try:
                calendar_schedule.calendar_schedule_enter(
                    actor=request.user,
                    year=year,
                    rows=rows,
                    notice=form.cleaned_data["notice"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(year)s 年放假安排已录入，共 %(n)s 个节日；相关预警已重新检查。")
                    % {"year": year, "n": len(rows)},
                )
                return redirect(f"{reverse('core:calendar')}?year={year}")
        else:
            preview = calendar_schedule.preview(year, rows)
            # Show what was understood (an upload's rows included) in the text box.
            form.data = form.data.copy()
            form.data["schedule"] = preview.text
    return render(
        request,
        "core/calendar_enter.html",
        {"form": form, "preview": preview, "today": today},
    )


@staff_page("calendar.view")
def calendar_template(request):
    response = HttpResponse(
        calendar_schedule.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        "attachment; filename=\"calendar-template.xlsx\"; filename*=UTF-8''"
        "%E6%94%BE%E5%81%87%E5%AE%89%E6%8E%92%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


def provisional_context(start: datetime.date, end: datetime.date) -> dict:
    """For any page that shows a working-day result: ``{"calendar_notice": …}`` to pass to
    ``core/partials/_calendar_provisional.html`` (empty when the answer is official)."""
    return {"calendar_notice": calendar.provisional_notice(calendar.provisional_years(start, end))}
