"""Values as Danish coordinators type them, read into what is stored."""

import pytest

from samskab.engine import fieldtypes
from samskab.engine.definition import Field, Option, Text


def field(kind, **more):
    return Field(id="f", type=kind, label=Text("F"), **more)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("12500", "12500.00"),
        ("12.500", "12500.00"),
        ("12.500,50", "12500.50"),
        ("12500.5", "12500.50"),
        ("1.250.000 kr.", "1250000.00"),
        ("DKK 300", "300.00"),
    ],
)
def test_money(typed, stored):
    assert fieldtypes.parse(field("money"), typed) == stored


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
def test_dates_outside_the_calendar_deadlines_use(typed):
    with pytest.raises(fieldtypes.ValueProblem, match="between 1900 and 2199"):
        fieldtypes.parse(field("date"), typed)


@pytest.mark.parametrize("typed", ["abc", "12,345,6", "1.2.3", "12.5051"])
def test_money_refuses_what_is_not_an_amount(typed):
    with pytest.raises(fieldtypes.ValueProblem):
        fieldtypes.parse(field("money"), typed)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("2026-03-01", "2026-03-01"),
        ("1.3.2026", "2026-03-01"),
        ("01-03-2026", "2026-03-01"),
    ],
)
def test_dates(typed, stored):
    assert fieldtypes.parse(field("date"), typed) == stored


def test_integers_yes_no_choices_and_clearing():
    assert fieldtypes.parse(field("integer"), "1.500") == 1500
    assert fieldtypes.parse(field("yesno"), "Ja") is True
    assert fieldtypes.parse(field("yesno"), "nej") is False
    choice = field("choice", options=(Option("vedtaget", Text("Vedtaget", "Adopted")),))
    assert fieldtypes.parse(choice, "Adopted") == "vedtaget"
    assert fieldtypes.parse(field("text"), "  ") is None
    with pytest.raises(fieldtypes.ValueProblem, match="did you mean `vedtaget`"):
        fieldtypes.parse(choice, "vedtage")
    with pytest.raises(fieldtypes.ValueProblem):
        fieldtypes.parse(field("integer"), "1.5")


def test_shown_as_people_read_them():
    assert fieldtypes.show(field("money"), "1250000.50") == "1.250.000,50 kr."
    assert fieldtypes.show(field("money"), "1250000.50", "en") == "DKK 1,250,000.50"
    assert fieldtypes.show(field("yesno"), True, "da") == "ja"
