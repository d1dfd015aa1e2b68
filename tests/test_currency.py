"""Currency names, symbols and ECB conversion (offline)."""

from __future__ import annotations

import datetime as dt

import pytest

from claimledger import currency as cur


@pytest.mark.parametrize("name,code", [
    ("euros", "EUR"), ("Australian dollars", "AUD"), ("roubles", "RUB"), ("rubles", "RUB"),
    ("hryvnias", "UAH"), ("yuan", "CNY"), ("pounds sterling", "GBP"), ("Swiss francs", "CHF"),
    ("US dollars", "USD"), ("dollars", "$"), ("widgets", None),
    ("kronor", "SEK"), ("Norwegian kroner", "NOK"), ("Danish kroner", "DKK"),
])
def test_code_for_name(name, code):
    assert cur.code_for_name(name) == code


def test_bare_dollar_reading_from_outlet_and_context():
    assert cur.resolve_dollar("https://www.theglobeandmail.com/x").code == "CAD"
    assert cur.resolve_dollar("www.abc.net.au").code == "AUD"
    canadian = "Ottawa said on Monday. Canadian officials in Toronto and Alberta agreed. Canada will pay."
    reading = cur.resolve_dollar(None, canadian)
    assert reading.code == "CAD" and "Canada" in reading.guess
    assert cur.resolve_dollar(None, "The firm will pay.").code == "USD"
    # wire style: the first amount names the dollar, later ones are a bare "$"
    assert cur.resolve_dollar(None, "Maple Rail earned C$12.4 billion. It spent $8.9 billion.").code == "CAD"
    assert cur.resolve_dollar(None, "It paid $5 million. A unit paid C$2 million.").code == "USD"


def test_ecb_conversion_uses_the_date():
    # EUR->USD moved from about 1.05 (early 2017) to about 1.23 (early 2018): the date matters
    early = cur.convert(1_000_000, "EUR", "USD", dt.date(2017, 1, 3))
    later = cur.convert(1_000_000, "EUR", "USD", dt.date(2018, 2, 1))
    assert 1.0e6 < early < 1.1e6 < later < 1.3e6


def test_weekend_dates_fall_back_to_nearest_rate():
    sat = cur.convert(100, "GBP", "EUR", dt.date(2024, 3, 16))
    fri = cur.convert(100, "GBP", "EUR", dt.date(2024, 3, 15))
    assert sat == pytest.approx(fri, rel=0.01)


def test_own_table_covers_currencies_the_ecb_lacks():
    uah = cur.convert(1_000_000, "UAH", "USD", dt.date(2024, 5, 1))
    assert uah == pytest.approx(24_700, rel=0.1)
    # RUB: ECB history until 2022, own yearly table afterwards
    assert cur.convert(1000, "RUB", "USD", dt.date(2024, 6, 1)) == pytest.approx(10.8, rel=0.1)
    assert cur.convert(1000, "RUB", "USD", dt.date(2019, 6, 3)) == pytest.approx(15.4, rel=0.1)
    assert cur.convert(1, "XYZ", "USD", dt.date(2024, 1, 1)) is None
