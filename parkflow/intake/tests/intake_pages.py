"""The customer-intake pages as their tests drive them (test_pages_detail_intake,
test_pages_lists_intake, test_pages_intake)."""

from django.urls import reverse

from parkflow.enterprises.tests.factories import EnterpriseFactory, make_credit_code

HTMX = {"HTTP_HX_REQUEST": "true"}

_codes = iter(range(10_000, 20_000))


def next_credit_code() -> str:
    """A credit code that cannot collide with the factories' sequence."""
    return make_credit_code(next(_codes))


def make_enterprise(park, **values):
    return EnterpriseFactory(park=park, credit_code=next_credit_code(), **values)


def detail(client, enterprise, **query):
    """The enterprise's detail page, where intake shows its cards."""
    return client.get(reverse("enterprises:detail", args=[enterprise.pk]), query)
