"""Running a management command from the tests of any app, for what it printed."""

import io

from django.core.management import call_command


def run_command(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()
