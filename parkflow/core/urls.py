from django.urls import path

from . import views, views_calendar, views_gates, views_rules, views_sla

app_name = "core"

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/assign/", views.alert_assign, name="alert_assign"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("reviews/<int:pk>/", views_gates.review_detail, name="review_detail"),
    path("reviews/<int:pk>/claim/", views_gates.review_claim, name="review_claim"),
    path("reviews/<int:pk>/withdraw/", views_gates.review_withdraw, name="review_withdraw"),
    path("gates/", views_gates.gate_list, name="gates"),
    path("gates/<str:code>/", views_gates.gate_edit, name="gate_edit"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/verify/<int:pk>/", views.audit_verification, name="audit_verification"),
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/<str:code>/", views_rules.rule_edit, name="rule_edit"),
    path("calendar/", views_calendar.calendar_overview, name="calendar"),
    path("calendar/enter/", views_calendar.calendar_enter, name="calendar_enter"),
    path("calendar/template.xlsx", views_calendar.calendar_template, name="calendar_template"),
    path("sla/", views_sla.sla_settings, name="sla_settings"),
    path("sla/hours/", views_sla.sla_hours_edit, name="sla_hours_edit"),
    path("sla/clocks/<str:code>/", views_sla.sla_clock_edit, name="sla_clock_edit"),
]
