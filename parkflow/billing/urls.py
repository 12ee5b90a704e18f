"""Staff pages of billing."""

app_name = "billing"

urlpatterns = []
