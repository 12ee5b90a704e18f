"""The errand domain's ``seed_demo`` step: one errand in each park the demo clerk works in,
after org's people exist. It draws nothing from the shared generator, so the other steps' data
stay as they were."""

from parkflow.core.registry import DemoStep


def _errands(ctx):
    from parkflow.core import access

    from . import services
    from .models import Errand

    clerk = ctx.users.get("biz_a")
    if clerk is None or Errand.objects.exists():
        return
    parks = [unit for unit in ctx.units.values() if unit.is_park]
    for park in parks:
        if access.may(clerk, "errand.create", park=park):
            services.errand_create(actor=clerk, park=park, title=f"{park.name}消防通道检查")


DEMO_STEPS = [DemoStep("testdomain.errands", _errands, after=("org.people",))]
