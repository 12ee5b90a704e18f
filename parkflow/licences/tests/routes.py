"""Licence readings in the route policy table (``parkflow.core.tests.routes``): every staff page
and API route with each method it serves, on real readings of park A built through the
services (the reader replaced by a fake). ``BUILDERS`` give the case makers a finished reading
the clerk uploaded (only its uploader registers from it) and the read renewal of park A's
marked enterprise (a new legal representative)."""

from parkflow.core.tests.routes import ALLOWED, API, OBJECT, REFUSED, STAFF, Case, Route
from parkflow.org.choices import Role as R


def _cached(w, key, make):
    if key not in w._cache:
        w._cache[key] = make()
    return w._cache[key]


def licence_reading(w):
    """Park A's finished reading of a new enterprise's licence, uploaded by the clerk."""
    from .factories import read

    return _cached(w, "licence_reading", lambda: read(w.monkeypatch, w.clerk(), w.park))


def licence_document(w):
    """A new business licence version of park A's marked enterprise (uploaded by the clerk)."""
    from parkflow.intake.tests.factories import upload_licence

    return _cached(w, "licence_document", lambda: upload_licence(w.enterprise(), w.clerk()))


def licence_renewal(w):
    """The read renewal of park A's marked enterprise: the new licence names another legal
    representative."""

    def make():
        from .. import services
        from .factories import licence_result, use_reader

        enterprise = w.enterprise()
        use_reader(
            w.monkeypatch,
            licence_result(
                name=enterprise.name,
                credit_code=enterprise.credit_code,
                legal_representative="赵新民",
            ),
        )
        reading = services.renewal_read_document(document=licence_document(w))
        return services.reading_execute(reading_id=reading.pk)

    return _cached(w, "licence_renewal", make)


BUILDERS = {
    "licence_reading": licence_reading,
    "licence_document": licence_document,
    "licence_renewal": licence_renewal,
}


# ---------------------------------------------------------------------------------------------
# Cases


def _upload_case(w):
    from .factories import licence_upload

    return Case(data={"POST": lambda w: {"park": w.park.pk, "file": licence_upload()}})


def _reading_case(w):
    from .factories import confirm_form

    reading = licence_reading(w)
    return Case(
        {"token": reading.token},
        data={"POST": lambda w: confirm_form(w.park)},
        actor=reading.requested_by,
    )


def _file_case(w):
    return Case({"token": licence_reading(w).token})


def _renewal_case(w):
    reading = licence_renewal(w)
    return Case(
        {"token": reading.token},
        data={"POST": {"fields": ["legal_representative"]}},
        enterprise=reading.enterprise,
    )


def _api_submit_case(w):
    from .factories import licence_upload

    return Case(
        data={
            "POST": lambda w: {
                "file": licence_upload(),
                "purpose": "new_enterprise",
                "park": w.park.pk,
            }
        },
        multipart=True,
    )


def _api_register_case(w):
    from .factories import LICENCE_CODE, LICENCE_NAME

    reading = licence_reading(w)
    return Case(
        {"token": reading.token},
        data={
            "POST": lambda w: {
                "park": w.park.pk,
                "name": LICENCE_NAME,
                "credit_code": LICENCE_CODE,
                "legal_representative": "王立新",
                "registered_capital": "500",
                "industry": "it",
                "contact_name": "陈静",
                "contact_phone": "13912345678",
                "licence_long_term": True,
            }
        },
        actor=reading.requested_by,
    )


ROUTES = {
    "licences:upload": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "licence_reading.submit",
        R.BUSINESS_STAFF,
        _upload_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "licences:reading": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "licence_reading.view",
        R.BUSINESS_STAFF,
        _reading_case,
        other_park=OBJECT,
    ),
    "licences:reading_file": Route(
        STAFF, {"GET": 200}, "licence_reading.view", R.AUDITOR, _file_case, other_park=OBJECT
    ),
    "licences:renewal_apply": Route(
        STAFF,
        {"POST": 302},
        "licence_reading.renew",
        R.BUSINESS_STAFF,
        _renewal_case,
        other_park=OBJECT,
    ),
    "api:licence-reading-list": Route(
        API,
        {"POST": 202},
        "licence_reading.submit",
        R.BUSINESS_STAFF,
        _api_submit_case,
        other_park=REFUSED,
    ),
    "api:licence-reading-detail": Route(
        API, {"GET": 200}, "licence_reading.view", R.AUDITOR, _file_case, other_park=OBJECT
    ),
    "api:licence-reading-register": Route(
        API,
        {"POST": 201},
        "licence_reading.register",
        R.BUSINESS_STAFF,
        _api_register_case,
        other_park=OBJECT,
    ),
}
