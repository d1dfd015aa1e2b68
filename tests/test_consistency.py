"""Consistency findings (issue 5): conversions, arithmetic, contradictions, and the generated benchmark."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from claimledger.nlp import load_nlp
from claimledger.pipeline import analyze

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def nlp():
    return load_nlp()


def findings(text, published="2024-03-15"):
    return analyze(text, published=published).findings


def test_million_for_billion_slip_is_an_error_with_suggestion():
    (f,) = findings("The ministry was fined 3 billion euros ($4.7 million Cdn) on Tuesday.", "2023-05-02")
    assert (f.kind, f.severity) == ("conversion_mismatch", "error")
    assert "billion" in f.suggestion and "CAD" in f.suggestion
    assert [e.text for e in f.evidence] == ["3 billion euros", "$4.7 million Cdn"]
    assert f.id == "f1" and "1,000" in f.message


def test_correct_conversion_raises_nothing():
    assert findings("The club paid £3m ($3.8m) for the striker.") == []
    assert findings("The company raised €2.5 billion, or about $2.7 billion, from investors.") == []
    assert findings("The debris field stretched for seven miles (11 km).") == []


def test_wrong_rate_is_a_warning():
    (f,) = findings("The club paid £3m ($5.2m) for the striker.")
    assert (f.kind, f.severity) == ("conversion_mismatch", "warning")
    assert "higher" in f.message


def test_or_about_conversion_and_units():
    (f,) = findings("The firm will invest €2.5 billion, or about $2.7 million, in the plant.")
    assert f.severity == "error"
    (f,) = findings("The car reached 87 mph (240 km/h) on the track.")
    assert f.kind == "conversion_mismatch" and f.severity == "warning"


def test_change_with_wrong_percentage():
    (f,) = findings("The lake shrank from 2,400 to 310 square kilometres, a loss of 60%.")
    assert (f.kind, f.severity) == ("arithmetic", "error")
    assert f.suggestion == "87%"
    assert findings("The lake shrank from 2,400 to 310 square kilometres, a loss of 87%.") == []


def test_change_with_wrong_difference():
    (f,) = findings("The herd shrank from 2,350 to 618 animals, a loss of 2,811 animals.")
    assert f.kind == "arithmetic" and "1,732" in f.suggestion
    assert findings("The herd shrank from 2,350 to 618 animals, a loss of 1,732 animals.") == []


@pytest.mark.parametrize("text,suggestion,right", [
    ("Support rose from 34% to 41%, a gain of 9 percentage points.", "7 percentage points",
     "Support rose from 34% to 41%, a gain of 7 percentage points."),
    ("The policy rate rose from 4.25% to 4.50%, an increase of 50 basis points.", "25 basis points",
     "The policy rate rose from 4.25% to 4.50%, an increase of 25 basis points."),
    ("Unemployment rose from 8.0% to 6.0%, a rise of 2 percentage points.", "2 percentage points",  # direction
     "Unemployment fell from 8.0% to 6.0%, a drop of 2 percentage points."),
])
def test_change_in_points_is_checked(text, suggestion, right):
    (f,) = findings(text)
    assert f.kind == "arithmetic" and f.suggestion == suggestion
    assert findings(right) == []


def test_a_conversion_between_the_ends_of_a_change_does_not_hide_it():
    (f,) = findings("Revenue climbed to €3.8 billion ($4.1 billion) from €3.5 billion, an increase of 12%.",
                    "2025-05-14")
    assert f.kind == "arithmetic" and f.suggestion == "9%"
    assert findings("Sales rose from 349 million euros (US$391 million) to 412 million euros (US$461 million), "
                    "an increase of 18%.", "2025-05-14") == []


def test_parts_above_total():
    (f,) = findings("A total of 12 people died, including 8 children and 6 women.")
    assert f.kind == "arithmetic" and len(f.evidence) == 3
    assert findings("A total of 14 people died, including 8 children and 6 women.") == []


def test_of_the_total_with_bare_parts():
    (f,) = findings("Of the 120 people injured, 80 were children and 50 were adults.")
    assert f.kind == "arithmetic" and "130" in f.message
    assert findings("Of the 130 people injured, 80 were children and 50 were adults.") == []


def test_coordinated_totals_add_up():
    text = "There were 56 passengers and 10 crew members on board, among them 30 Egyptians and 15 French nationals."
    assert findings(text) == []


def test_parts_of_another_kind_are_not_parts():
    # the stops are not made of residents: no total/parts finding
    assert findings("He will make three stops, including a hamlet with a population under 500.") == []
    assert findings("Investigators read seven email chains, including 37 pages and 22 emails.") == []


def test_factor_change():
    (f,) = findings("Sales more than doubled from 1.2 million to 2.1 million units.")
    assert f.kind == "arithmetic" and "1.75" in f.message
    assert findings("Sales tripled from 300 to 900 units.") == []


def test_separate_events_are_not_contradictions():
    text = ("Three people were killed in Dallas on Monday, police said. "
            "Last month 49 people were killed in Orlando.")
    assert findings(text) == []


def test_contradicting_counts():
    text = ("Seven people were killed in the blast, police said. Firefighters searched the site. "
            "Officials later confirmed that nine people were killed in the blast.")
    (f,) = findings(text)
    assert (f.kind, f.severity) == ("contradiction", "warning")
    assert [e.text for e in f.evidence] == ["Seven people", "nine people"]
    same = text.replace("nine people", "seven people")
    assert findings(same) == []
    bounded = text.replace("Seven people", "At least seven people")
    assert findings(bounded) == []


def test_findings_benchmark_meets_targets():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "findings.py"), "--n", "120", "--show", "0"],
                         capture_output=True, text=True, check=True).stdout
    recall = float(out.split("recall on injected slips:")[1].split("%")[0])
    alarms = float(out.split("false alarms per 100 clean items:")[1].split()[0])
    assert recall >= 90 and alarms <= 1


@pytest.mark.parametrize("text,flagged", [
    ("Highs of 38C (90F) are expected.", True),           # 100.4F: a scale with an offset, not 10%
    ("Highs of 38C (100F) are expected.", False),
    ("The lake froze at 0C (50F).", True),                 # zero is a temperature like any other
    ("Water freezes at 32F (0C).", False),
    ("Temperatures were 2.14F (1.19C) higher than average.", False),  # a difference: no offset
    ("The trail runs 40 miles (56 km).", True),            # exact factors: 13% is no rounding
    ("The trail runs 40 miles (64 km).", False),
    ("Winds reached 60 mph (100 km/h).", False),           # rounded to its last digit
    ("It is 2 miles (3 km) long.", False),
])
def test_unit_conversions_allow_rounding_only(text, flagged):
    assert bool(findings(text)) == flagged


def test_a_bare_dollar_converting_another_dollar_is_the_us_dollar():
    report = analyze("The province expects revenue of A$6.7bn (about $4.2bn) this year.", published="2025-01-01")
    assert [q.unit for q in report.quantities][:2] == ["AUD", "USD"] and report.findings == []
    (f,) = findings("The province expects revenue of A$6.7bn (about $4.2 million) this year.", "2025-01-01")
    assert f.kind == "conversion_mismatch" and f.severity == "error"


@pytest.mark.parametrize("text", [
    "Of the 240 seats in the assembly, the Civic Union won 131, the Labour Front 78 and the Greens 39.",
    "Of the 3.6 million tonnes, 2.1 million came from the northern plains and 1.9 million from the south.",
])
def test_elided_parts_of_a_whole_are_added_up(text):
    (f,) = findings(text)
    assert f.kind == "arithmetic" and "more than the stated total" in f.message
    assert findings(text.replace("39.", "29.").replace("1.9 million", "1.4 million")) == []


def test_an_archive_date_outside_the_rates_held_gives_no_rate_warning():
    text = "The carmaker posted an operating loss of 48.6 billion yen ($340 million) for the year."
    assert findings(text, "1899-01-01") == [] and findings(text, "2031-06-01") == []
    # a factor-1000 slip is still a slip, and the message says which rate stood in
    (f,) = findings(text.replace("$340 million", "$340,000"), "1899-01-01")
    assert f.severity == "error" and "nearest rate held; none for 1899-01-01" in f.message


@pytest.mark.parametrize("text,right,suggestion", [
    ("It will cut 2,300 jobs, or about 9% of its workforce of 31,000.",
     "It will cut 2,300 jobs, or about 7% of its workforce of 31,000.", "7%"),
    ("Of the 40 members, 12 voted against, or 45%.", "Of the 40 members, 12 voted against, or 30%.", "30%"),
    ("About 2.3 million of the 3.4 million registered voters, or 81%, cast a ballot.",
     "About 2.3 million of the 3.4 million registered voters, or 68%, cast a ballot.", "68%"),
])
def test_a_share_of_a_named_whole_is_checked(text, right, suggestion):
    (f,) = findings(text)
    assert f.kind == "arithmetic" and f.suggestion == suggestion
    assert findings(right) == []
    assert findings("Sales rose to 400 units, or 12% more than last year.") == []  # a change, not a share


@pytest.mark.parametrize("text,flagged", [
    ("The quake killed at least 112 people on Tuesday. By Wednesday evening the death toll stood at 87, "
     "officials said.", True),
    ("At least 112 people died in the quake. Officials later put the number of dead at 96.", True),
    ("The quake killed at least 112 people on Tuesday. By Wednesday evening the death toll stood at 140.", False),
    ("The quake killed at least 112 people. In a separate flood, 87 people died.", False),
])
def test_a_death_toll_below_an_earlier_minimum_is_flagged(text, flagged):
    got = findings(text)
    assert bool(got) == flagged
    if flagged:
        assert got[0].kind == "contradiction" and "below the earlier minimum" in got[0].message


# A comparison word near a temperature does not make it a difference: the figure after "to", "above" or
# "lows of" is a reading, and a pair is right when either reading fits.
@pytest.mark.parametrize("text", [
    "By dawn the mercury sank to -10C (14F) in the valleys.",
    "Daytime highs stayed above 25C (77F) all week, though evenings were cooler.",
    "Readings slid from 18C (64F) at noon to 4C (39F) at midnight.",
    "The sea warmed 2C (3.6F) in a decade.",
])
def test_temperature_readings_near_change_words_are_not_flagged(text):
    assert findings(text) == []


def test_a_wrong_temperature_reading_is_reported_as_a_reading():
    (f,) = findings("Overnight the thermometer fell to 6C (38F) on the coast.")
    assert "42.8" in f.message and "difference" not in f.message
    # the difference reading is used only when the comparison governs the number itself
    (f,) = findings("This summer ran 4C (9F) warmer than average.")
    assert "7.2" in f.message and "difference" in f.message


def test_a_barrel_is_the_oil_barrel():
    assert findings("The depot stores 40,000 barrels (6.4 million litres) of diesel.") == []
    (f,) = findings("The depot stores 40,000 barrels (6,400 litres) of diesel.")
    assert f.severity == "error" and "6.36 million" in f.message


@pytest.mark.parametrize("text,flagged", [
    ("The strike began on Tuesday, March 12, at the port.", False),     # 2024-03-12 is a Tuesday
    ("The strike began on Thursday, March 12, at the port.", True),
    ("Voting closes on Friday 8 March.", False),
    ("Voting closes on Saturday 8 March.", True),
    ("The ruling came on March 11, a Sunday.", True),
    ("The ruling came on Monday.", False),                               # nothing to check it against
])
def test_a_weekday_must_be_the_weekday_of_its_date(text, flagged):
    got = [f for f in findings(text, "2024-03-15") if f.kind == "contradiction"]
    assert bool(got) == flagged
    if flagged:
        assert got[0].severity == "warning" and "is a" in got[0].message and "not a" in got[0].message


# The two ends of a change stay linked across a time expression, and "X, up from Y" links after any verb.
@pytest.mark.parametrize("text,suggestion", [
    ("Ticket sales rose to 9,600 in the autumn from 8,000 a year earlier, an increase of 35%.", "20%"),
    ("Copper settled at $9,100 a tonne on Tuesday, down from $9,800 a week earlier, a drop of 12%.", "7%"),
    ("The deficit stood at 4.2 billion dollars in 2025, down from 5 billion dollars in 2024, a fall of 10%.", "16%"),
    ("Exports reached 30 million tonnes, or 40% of output, up from 25 million tonnes, a rise of 30%.", "20%"),
])
def test_a_change_across_a_time_expression_is_checked(text, suggestion):
    (f,) = findings(text)
    assert f.kind == "arithmetic" and f.suggestion == suggestion
    right = text.replace("35%", "20%").replace("12%", "7%").replace("10%", "16%").replace("30%.", "20%.")
    assert findings(right) == []


def test_a_level_that_changed_is_not_a_stated_change():
    # "gains of $31 million" is the level that rose from $10 million, not the change from $85m to $94m
    text = ("Net income advanced to $94 million from $85 million, with trading gains of $31 million, "
            "up from $10 million.")
    assert findings(text) == []


@pytest.mark.parametrize("text,suggestion", [
    # the earlier figure in the next sentence
    ("The jobless rate was 4.1% in March. That was up from 3.7% in February, a rise of 0.6 percentage points.",
     "0.4 percentage points"),
    # "points" after rates are percentage points
    ("Approval stood at 44%, down from 51% in the spring, a drop of 9 points.", "7 percentage points"),
    # a gap between two groups
    ("Among women 61% backed the plan, against 47% of men, a gap of 4 points.", "14 percentage points"),
])
def test_points_between_rates_are_checked(text, suggestion):
    (f,) = findings(text)
    assert f.kind == "arithmetic" and f.suggestion == suggestion
    right = suggestion.split()[0]
    fixed = text.replace("0.6 percentage", f"{right} percentage").replace(" 9 points", f" {right} points") \
        .replace(" 4 points", f" {right} points")
    assert findings(fixed) == []


@pytest.mark.parametrize("text,suggestion", [
    ("The fund backed 250 start-ups, of which 75, or 20%, were abroad.", "30%"),
    ("The ward treated 160 patients, of whom 24, or 25%, were children.", "15%"),
    ("She won 3,300 votes, or 41%, out of 6,000 cast.", "55%"),
    ("Of the 800 delegates, the left won 300 (45%) and the right 420 (52.5%).", "38%"),
])
def test_more_share_forms_are_checked(text, suggestion):
    (f,) = findings(text)
    assert f.kind == "arithmetic" and f.suggestion == suggestion


@pytest.mark.parametrize("text,flagged", [
    ("The Liberals polled 44%, the Nationals 31%, the Reds 22% and others 9%.", True),
    ("The Liberals polled 44%, the Nationals 31%, the Reds 17% and others 8%.", False),
    ("Prices rose 40% in Oslo, Bergen 35% and Tromso 50%.", False),    # separate wholes
])
def test_shares_of_one_whole_over_a_hundred_percent(text, flagged):
    assert bool([f for f in findings(text) if "more than 100%" in f.message]) == flagged


def test_the_verb_includes_introduces_parts():
    (f,) = findings("The 50 million dollars in grants includes 30 million dollars for roads and 25 million dollars "
                    "for schools.")
    assert f.kind == "arithmetic" and "more than the stated total" in f.message
    assert findings("The 50 million dollars in grants includes 30 million dollars for roads.") == []


def test_exhaustive_breakdown_that_falls_short_is_a_warning():
    # a verb that hands the whole out: split, divided, made up of, from the sales of
    (f,) = findings("The 60 million dollars in the fund is divided between schools (30 million dollars), "
                    "clinics (14 million dollars) and roads (11 million dollars).")
    assert (f.kind, f.severity) == ("arithmetic", "warning") and "55 million" in f.message
    (f,) = findings("The charity made £7.5 million from the sales of its shops (£4.1 million) and "
                    "its website (£2.2 million).")
    assert f.severity == "warning" and "6.3 million" in f.message
    # a sentence opening on the whole with a closed list of outcomes; bare parts count the whole's noun
    (f,) = findings("Of the 96 climbers on the ridge, 71 reached the summit, 9 turned back and 4 were injured.")
    assert f.severity == "warning" and "84" in f.message
    # parts that do fill the whole, or within rounding, stay silent
    assert findings("The 60 million dollars in the fund is divided between schools (30 million dollars), "
                    "clinics (19 million dollars) and roads (11 million dollars).") == []
    assert findings("The 2.3 billion euros is split between ports (1.4 billion euros) and "
                    "railways (0.8 billion euros).") == []
    assert findings("Of the 96 climbers on the ridge, 71 reached the summit, 21 turned back and 4 were injured.") == []


def test_partial_breakdowns_may_fall_short():
    # "including", "among them", two outcomes only: some of the whole, not all of it
    assert findings("The 60 million dollars in the fund includes 30 million dollars for schools and "
                    "14 million dollars for clinics.") == []
    assert findings("Of the 96 climbers on the ridge, 71 reached the summit, including 12 women, and "
                    "4 were injured.") == []
    assert findings("Of the 96 climbers on the ridge, 71 reached the summit and 9 turned back.") == []
    # winners named with their counts may leave out the small ones
    assert findings("Of the 96 seats on the council, the Union took 51, the Front 30 and the Greens 9.") == []


def test_a_rate_restated_over_another_period_is_checked():
    (f,) = findings("The goalkeeper is paid £120,000 a week, or roughly £4 million a year.")
    assert (f.kind, f.severity) == ("conversion_mismatch", "warning") and "6.26 million GBP/year" in f.message
    assert findings("The goalkeeper is paid £120,000 a week, or roughly £6.2 million a year.") == []
    assert findings("The smelter burns 3,000 tonnes a day, or 1.1 million tonnes a year.") == []
    (f,) = findings("The smelter burns 3,000 tonnes a day (1.1 billion tonnes a year).")
    assert f.severity == "error"
    # an hourly wage restated per year assumes working hours, not a calendar: left alone
    assert findings("Cleaners earn £12 an hour, or about £23,000 a year.") == []


def test_equivalent_to_is_a_conversion():
    (f,) = findings("The silo holds 30,000 cubic feet of grain, equivalent to 850,000 cubic metres.")
    assert (f.kind, f.severity) == ("conversion_mismatch", "error") and "1,000" in f.message
    assert findings("The silo holds 30,000 cubic feet of grain, equivalent to about 850 cubic metres.") == []
    assert findings("The estate covers 500 acres, the equivalent of 202 hectares.") == []
    (f,) = findings("The estate covers 500 acres, the equivalent of 350 hectares.")
    assert f.severity == "warning"
    # a share of something else is no conversion
    assert findings("The grant is €40 million, equivalent to 3% of the budget.") == []


def test_a_change_by_a_fraction_is_checked_against_its_ends():
    (f,) = findings("Membership grew by a third to 8,000 from 5,000.")
    assert f.kind == "arithmetic" and "60.0%" in f.message and "33.3%" in f.message
    assert findings("Membership grew by a third to 8,000 from 6,000.") == []
    assert findings("Imports fell by half to 310,000 tonnes from 600,000 tonnes.") == []   # round words, round slack
    (f,) = findings("Imports fell by half to 200,000 tonnes from 600,000 tonnes.")
    assert "66.7%" in f.message
