from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.unread_badge, name="badge"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("subscriptions/", views.subscriptions_page, name="subscriptions"),
    path("deliveries/", views.delivery_log, name="deliveries"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery_resend"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/new/<str:kind>/", views.channel_create, name="channel_create"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
]
