"""The agreements part of the route policy table (core/tests/routes.py, D28): the staff pages,
the API, the documents out and the portal each keep their entries in their own module, merged
here; ``BUILDERS`` give every case maker park A's agreement objects (``w.agreement()`` …)."""

from . import routes_api, routes_documents, routes_pages, routes_portal

MARKER = "甲园标记协议"


def _org(w):
    """Park A's agreement people (one set per world): drafter, lead, two legal officers, a
    deputy — as ``factories.Org``."""
    from .factories import Org

    if "agreements_org" not in w._cache:
        w._cache["agreements_org"] = Org(w.park)
    return w._cache["agreements_org"]


def template_version(w):
    """Park A's approved residency template (one per world)."""
    from .factories import approved_template

    if "template_version" not in w._cache:
        w._cache["template_version"] = approved_template(_org(w))
    return w._cache["template_version"]


def agreement(w):
    """A draft agreement of park A for its marked enterprise, with a rent line (one per world)."""
    from .factories import draft

    if "agreement" not in w._cache:
        w._cache["agreement"] = draft(
            _org(w), w.enterprise(), template=template_version(w), title=MARKER
        )
    return w._cache["agreement"]


def signed_agreement(w):
    """A signed agreement of park A for an enterprise in good standing (one per world)."""
    from .factories import good_standing, legally_approved, sign

    if "signed_agreement" not in w._cache:
        org = _org(w)
        made = legally_approved(
            org,
            enterprise=good_standing(w.park, org.drafter),
            template=template_version(w),
            title=MARKER,
        )
        w._cache["signed_agreement"] = sign(org, made)
    return w._cache["signed_agreement"]


def agreement_people(w):
    return _org(w)


BUILDERS = {
    "template_version": template_version,
    "agreement": agreement,
    "signed_agreement": signed_agreement,
    "agreement_people": agreement_people,
}

ROUTES = {
    **routes_pages.ROUTES,
    **routes_api.ROUTES,
    **routes_documents.ROUTES,
    **routes_portal.ROUTES,
}
