"""The occupancy calendar (占用日历): per building, rows are its resources and columns the
hours of a day or the days of a week or month; per resource (on its page), rows are the days
and columns the hours. A cell is coloured while an active allocation holds it. Two queries
whatever the number of resources: the resources, then their allocations overlapping the period
(a subquery on the same filter) — a building of 500 units costs what one of five does."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkflow.core.views import staff_page

from . import selectors
from .choices import ResourceStatus
from .forms import DAY, MONTH, WEEK, CalendarForm
from .models import Resource

# Monday first, as date.weekday() counts.
WEEKDAYS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)
TONES = 8


def _aware(day: datetime.date, hour: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def period(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days ``[first, last]`` the view shows around ``day``."""
    if view == DAY:
        return day, day
    if view == WEEK:
        first = day - datetime.timedelta(days=day.weekday())
        return first, first + datetime.timedelta(days=6)
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def shifted(view: str, day: datetime.date, step: int) -> datetime.date:
    """The same view one period earlier (-1) or later (+1)."""
    if view == DAY:
        return day + datetime.timedelta(days=step)
    if view == WEEK:
        return day + datetime.timedelta(days=7 * step)
    month = day.month - 1 + step
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def days_of(first, last) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def period_title(view, first, last) -> str:
    if view == DAY:
        return _("%(date)s（%(weekday)s）") % {
            "date": date_format(first),
            "weekday": WEEKDAYS[first.weekday()],
        }
    if view == WEEK:
        return _("%(first)s — %(last)s") % {
            "first": date_format(first),
            "last": date_format(last, "MONTH_DAY_FORMAT"),
        }
    return date_format(first, "YEAR_MONTH_FORMAT")


def _day_header(day, today, *, short=False):
    return {
        "top": str(day.day) if short else f"{day.month}/{day.day}",
        "sub": str(WEEKDAYS[day.weekday()]),
        "weekend": day.weekday() >= 5,
        "today": day == today,
    }


def _hour_header(hour):
    return {"top": f"{hour:02d}", "sub": "", "weekend": False, "today": False}


def _decorate(rows, request_base):
    """What a cell shows: the holder's name (tooltip and label), a colour per enterprise, the
    link to the request it came from."""
    for row in rows:
        for cell in row.cells:
            allocation = cell.allocation
            if allocation is None:
                continue
            cell.tone = allocation.enterprise_id % TONES
            cell.url = f"{request_base}{allocation.request_id}/"
            cell.title = f"{allocation.enterprise.name}：{_when(allocation.starts_at)} 至 {_when(allocation.ends_at)}"
    return rows


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _navigation(view, day, first, last, today):
    return {
        "view": view,
        "date": day,
        "title": period_title(view, first, last),
        "previous": shifted(view, day, -1),
        "next": shifted(view, day, 1),
        "today": today,
        "views": [(DAY, _("日")), (WEEK, _("周")), (MONTH, _("月"))],
    }


def resource_grid(resource, *, view: str, day: datetime.date) -> dict:
    """One resource's calendar: a row per day of the period, a column per hour."""
    first, last = period(view, day)
    today = timezone.localdate()
    days = days_of(first, last)
    found = selectors.occupancy(
        Resource.objects.filter(pk=resource.pk), _aware(first), _aware(last + datetime.timedelta(1))
    )
    allocations = found.get(resource.pk, [])
    rows = []
    for one in days:
        columns = [
            (_aware(one, hour), _aware(one, hour) + datetime.timedelta(hours=1))
            for hour in range(24)
        ]
        header = _day_header(one, today)
        rows.append(selectors.grid_row(f"{header['top']} {header['sub']}", columns, allocations))
        rows[-1].today = one == today
    return {
        **_navigation(view, day, first, last, today),
        "headers": [_hour_header(hour) for hour in range(24)],
        "rows": _decorate(rows, reverse("resources:requests")),
        "held": sum(row.held for row in rows),
        "count": len(allocations),
    }


def building_grid(resources, *, view: str, day: datetime.date) -> dict:
    """A building's calendar: a row per resource, a column per hour (day view) or per day
    (week, month). ``resources`` is a scoped queryset: evaluated once, and once more as the
    subquery of the allocations."""
    first, last = period(view, day)
    today = timezone.localdate()
    starts_at, ends_at = _aware(first), _aware(last + datetime.timedelta(days=1))
    if view == DAY:
        columns = [
            (_aware(first, hour), _aware(first, hour) + datetime.timedelta(hours=1))
            for hour in range(24)
        ]
        headers = [_hour_header(hour) for hour in range(24)]
    else:
        days = days_of(first, last)
        columns = [(_aware(d), _aware(d + datetime.timedelta(days=1))) for d in days]
        headers = [_day_header(d, today, short=view == MONTH) for d in days]
    found = selectors.occupancy(resources, starts_at, ends_at)
    rows = []
    for resource in resources:
        sub = " · ".join(
            part
            for part in (
                str(resource.get_kind_display()),
                f"{resource.floor}层" if resource.floor else "",
                f"{resource.area.normalize():f}㎡" if resource.area else "",
            )
            if part
        )
        rows.append(
            selectors.grid_row(
                f"{resource.name}（{resource.code}）",
                columns,
                found.get(resource.pk, []),
                sub=sub,
                url=resource.get_absolute_url(),
            )
        )
    held = sum(row.held for row in rows)
    cells = len(rows) * len(columns)
    return {
        **_navigation(view, day, first, last, today),
        "headers": headers,
        "rows": _decorate(rows, reverse("resources:requests")),
        "held": held,
        "rate": round(held * 100 / cells) if cells else 0,
    }


@staff_page("resource.view")
def building_calendar(request):
    form = CalendarForm(request.GET or None, user=request.user)
    values = form.values()
    resources = selectors.resource_list(
        actor=request.user,
        building=values["building"],
        kind=values["kind"],
        park=values["park"],
    ).exclude(status=ResourceStatus.RETIRED)
    if not values["building"]:
        resources = resources.filter(building="")
    resources = resources.only(
        "id", "park_id", "kind", "code", "name", "building", "floor", "area", "status"
    ).select_related(None)
    calendar = building_grid(resources, view=values["view"], day=values["date"])
    return render(
        request,
        "resources/calendar.html",
        {
            "form": form,
            "values": values,
            "calendar": calendar,
            # The links of the grid keep the filter: "?<base>view=…&date=…".
            "base": urlencode(
                {
                    "building": values["building"],
                    "kind": values["kind"],
                    "park": getattr(values["park"], "pk", ""),
                }
            )
            + "&",
        },
    )
