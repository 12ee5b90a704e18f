from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/reassign/", views.task_reassign, name="task_reassign"),
    path("tasks/<int:pk>/evidence/", views.task_evidence, name="task_evidence"),
]
