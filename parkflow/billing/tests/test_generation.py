"""The bill run's arithmetic, kept fast for a park of thousands of agreements with years of
bills (bench/billing.py): the year a period starts in is the one ``relativedelta`` gives."""

import datetime

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from parkflow.billing.charges import _whole_years

DAYS = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2060, 12, 31))


@given(DAYS, st.integers(min_value=0, max_value=20_000))
def test_whole_years_are_relativedeltas_years(since, later):
    day = since + datetime.timedelta(days=later)
    assert _whole_years(day, since) == relativedelta(day, since).years


def test_a_leap_day_anniversary_comes_on_the_first_of_march():
    since = datetime.date(2024, 2, 29)
    assert _whole_years(datetime.date(2025, 2, 28), since) == 0
    assert _whole_years(datetime.date(2025, 3, 1), since) == 1
