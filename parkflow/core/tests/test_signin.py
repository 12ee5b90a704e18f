"""Sign-in lockout (issue 6 §7, D23): failures lock one username at one client address, never an
address for everybody; the client address comes from X-Forwarded-For only behind a declared
proxy. A locked attempt is a clear 429 and signs nobody in."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from parkflow.core.security import client_ip
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

PASSWORD = "Park-2026!"
PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture
def people(park):
    return staff(Role.BUSINESS_STAFF, park, username="alice"), staff(
        Role.BUSINESS_STAFF, park, username="bob"
    )


def login(username, password=PASSWORD, *, ip="198.51.100.7", xff=None):
    client = Client(REMOTE_ADDR=ip)
    extra = {"HTTP_X_FORWARDED_FOR": xff} if xff else {}
    response = client.post(reverse("login"), {"username": username, "password": password}, **extra)
    return response, client


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_five_times(username, **where):
    for _attempt in range(5):
        response, _client = login(username, "wrong", **where)
    return response


def test_five_failures_lock_that_account_from_that_address(people):
    locked = fail_five_times("alice", ip="198.51.100.7")
    assert locked.status_code == 429
    response, client = login("alice", ip="198.51.100.7")
    assert response.status_code == 429
    assert "账号已临时锁定" in response.content.decode()
    assert not signed_in(client)


def test_another_account_from_the_same_address_still_signs_in(people):
    fail_five_times("alice", ip="198.51.100.7")
    response, client = login("bob", ip="198.51.100.7")
    assert response.status_code == 302
    assert signed_in(client)


def test_the_same_account_from_another_address_still_signs_in(people):
    """Decision D23: the pair is locked; the owner at another address is not locked out by an
    attacker who guesses elsewhere (no denial of service by a known username)."""
    fail_five_times("alice", ip="198.51.100.7")
    response, client = login("alice", ip="203.0.113.9")
    assert response.status_code == 302
    assert signed_in(client)


def test_four_failures_then_success_clears_the_count(people):
    for _attempt in range(4):
        login("alice", "wrong")
    assert login("alice")[0].status_code == 302
    for _attempt in range(4):
        login("alice", "wrong")
    assert login("alice")[0].status_code == 302


def test_without_a_declared_proxy_x_forwarded_for_is_ignored(people, settings):
    settings.PARKFLOW_TRUSTED_PROXY_COUNT = 0
    # An attacker rotating a made-up header is still one address.
    for n in range(5):
        login("alice", "wrong", ip="198.51.100.7", xff=f"192.0.2.{n}")
    response, client = login("alice", ip="198.51.100.7", xff="192.0.2.200")
    assert response.status_code == 429
    assert not signed_in(client)


def test_behind_a_declared_proxy_each_client_is_locked_separately(people, settings):
    """With nginx in front every request comes from the proxy's address: the lock must follow the
    client address the proxy reports, or one guesser would lock the account for everyone."""
    settings.PARKFLOW_TRUSTED_PROXY_COUNT = 1
    settings.PARKFLOW_TRUSTED_PROXY_IPS = ["10.0.0.0/24"]
    fail_five_times("alice", ip=PROXY, xff="198.51.100.7")
    locked, _client = login("alice", ip=PROXY, xff="198.51.100.7")
    assert locked.status_code == 429
    response, client = login("alice", ip=PROXY, xff="203.0.113.9")
    assert response.status_code == 302
    assert signed_in(client)


def test_behind_a_proxy_a_client_cannot_escape_the_lock_with_its_own_header(people, settings):
    """nginx appends the address it saw: the entries to its left are the client's own words."""
    settings.PARKFLOW_TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        login("alice", "wrong", ip=PROXY, xff=f"192.0.2.{n}, 198.51.100.7")
    response, _client = login("alice", ip=PROXY, xff="192.0.2.99, 198.51.100.7")
    assert response.status_code == 429


# --- the client address -----------------------------------------------------------------------


def _request(remote, xff=None):
    extra = {"HTTP_X_FORWARDED_FOR": xff} if xff is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_client_ip_is_remote_addr_unless_a_proxy_is_declared(settings):
    settings.PARKFLOW_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "xff", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", PROXY),  # fewer hops than declared proxies: not through them all
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
    ],
)
def test_client_ip_behind_declared_proxies(settings, count, xff, expected):
    settings.PARKFLOW_TRUSTED_PROXY_COUNT = count
    settings.PARKFLOW_TRUSTED_PROXY_IPS = []
    assert client_ip(_request(PROXY, xff)) == expected


def test_the_header_counts_only_when_the_request_comes_from_a_trusted_proxy(settings):
    settings.PARKFLOW_TRUSTED_PROXY_COUNT = 1
    settings.PARKFLOW_TRUSTED_PROXY_IPS = ["10.0.0.0/24"]
    assert client_ip(_request(PROXY, "198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("203.0.113.50", "198.51.100.7")) == "203.0.113.50"
