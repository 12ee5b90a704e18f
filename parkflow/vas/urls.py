"""The value-added services' staff pages."""

from django.urls import path

from . import views

app_name = "vas"

urlpatterns = [
    # --- 服务目录 (R-VAS-1) --------------------------------------------------------------------
    path("services/", views.service_list, name="services"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/prices/new/", views.price_publish, name="price_publish"),
    # --- 服务订单 (R-VAS-2) --------------------------------------------------------------------
    path("orders/", views.order_list, name="orders"),
    path("orders/export.xlsx", views.order_export, name="order_export"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    # POST orders/<pk>/<step>/: start, complete, bill, cancel (views.STEPS).
    path("orders/<int:pk>/<slug:step>/", views.order_step, name="order_step"),
    # --- 服务质量 (R-VAS-3) --------------------------------------------------------------------
    path("quality/", views.quality, name="quality"),
]
