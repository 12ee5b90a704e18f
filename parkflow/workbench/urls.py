from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo_center, name="todo"),
    path("todo/count/", views.todo_count, name="todo_count"),
]
