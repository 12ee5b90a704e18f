from django.urls import path

from parkflow.core.workflow_views import page_urls

from . import views
from .models import Errand

app_name = "testdomain"

urlpatterns = [
    path("", views.errand_list, name="list"),
    path("<int:pk>/", views.errand_detail, name="detail"),
    *page_urls(Errand, views.errand_transition),
]
