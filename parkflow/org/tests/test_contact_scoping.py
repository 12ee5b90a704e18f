"""R-ORG-6 / R-ORG-3: the contacts page names the parks still without an emergency contact,
but only parks the reader may see."""

from django.urls import reverse

from parkflow.org.choices import Role
from parkflow.org.tests.factories import EmergencyContactFactory, staff


def test_parks_without_a_contact_are_named_only_to_those_who_see_them(client, park, other_park):
    EmergencyContactFactory(unit=other_park)  # park B has its contact; park A has none
    client.force_login(staff(Role.OFFICE_STAFF, other_park))
    html = client.get(reverse("org:contacts")).content.decode()
    assert park.name not in html
    client.force_login(staff(Role.OFFICE_STAFF, park))
    html = client.get(reverse("org:contacts")).content.decode()
    assert park.name in html
