"""Staff pages of resource allocation (to be built)."""

from django.http import Http404


def resource_detail(request, pk):
    raise Http404


def request_detail(request, pk):
    raise Http404


def deviation_detail(request, pk):
    raise Http404
