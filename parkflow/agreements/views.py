"""Staff pages of agreements (R-AGR-1 … R-AGR-6)."""

from django.http import Http404


def agreement_list(request):
    raise Http404


def agreement_detail(request, pk):
    raise Http404


def template_version_detail(request, pk):
    raise Http404
