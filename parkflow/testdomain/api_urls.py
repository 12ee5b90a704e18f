"""The project's API routes plus the test-only domain's viewset, under the same ``api``
namespace (a real domain adds its ``router.register`` line to parkflow/api_urls.py)."""

from rest_framework.routers import SimpleRouter

from parkflow import api_urls as project

from .api import ErrandViewSet

router = SimpleRouter()
router.include_format_suffixes = False
router.register("errands", ErrandViewSet, basename="errand")

app_name = "api"
urlpatterns = [*project.urlpatterns, *router.urls]
