import pytest

# An enterprise id no row has: the kernel never loads the enterprise, it only scopes by the id.
PORTAL_ENTERPRISE_ID = 987_654_321


@pytest.fixture
def portal_user(db, monkeypatch):
    """A user a principal hook claims for an enterprise, as a domain's portal accounts are
    (``access.register_principal``, D30). The kernel knows portal users only through that hook,
    so its tests register one for this user instead of naming the app that owns the accounts;
    the real hook is tested with its app (enterprises/tests/test_portal_hooks.py)."""
    from parkflow.core import access
    from parkflow.org.tests.factories import UserFactory

    user = UserFactory(compliant=False, display_name="企业用户")

    def acts_for(candidate):
        return PORTAL_ENTERPRISE_ID if candidate.pk == user.pk else None

    monkeypatch.setattr(access, "_principals", [acts_for, *access._principals])
    return user
