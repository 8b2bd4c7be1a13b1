"""Values as Danish coordinators type them, read into what is stored."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


LINK = field("link")


@pytest.mark.parametrize(
    "typed",
    [
        "https://kommune.dk/dagsorden",
        "http://intranet.kommune.dk:8080/sag?id=12&del=2#bilag",
        "HTTPS://KOMMUNE.DK",
        "https://høring.kommune.dk/udkast",
        "https://[2001:db8::1]/politik",
        "https://kommune.dk/søg%20her",
    ],
)
def test_links_to_web_addresses_are_kept_as_typed(typed):
    assert fieldtypes.parse(LINK, f"  {typed} ") == typed
    assert fieldtypes.show(LINK, typed) == typed


@pytest.mark.parametrize(
    "typed, said",
    [
        ("javascript:alert(1)", "only http and https links are kept, not javascript:"),
        ("JavaScript://kommune.dk/%0Aalert(1)", "only http and https links are kept, not javascript:"),
        ("file:///etc/passwd", "only http and https links are kept, not file:"),
        ("data:text/html,<script>alert(1)</script>", "only http and https links are kept, not data:"),
        ("ftp://kommune.dk/fil", "only http and https links are kept, not ftp:"),
        ("mailto:anna@kommune.dk", "only http and https links are kept, not mailto:"),
        ("kommune.dk/dagsorden", "it does not start with https://"),
        ("www.kommune.dk", "it does not start with https://"),
        ("//kommune.dk/dagsorden", "it does not start with https://"),
        ("https://", "it has no host"),
        ("https:kommune.dk", "it has no host"),
        ("https:///dagsorden", "it has no host"),
        ("https://kommune dk/dagsorden", "it holds spaces"),
        ("https://kommune.dk/dags orden", "it holds spaces"),
        ("https://kommune.dk/a\u00a0b", "it holds spaces"),
        ("https://kommune.dk/\x1b[31m", "it holds control characters"),
        ("https://kommune.dk/\x00", "it holds control characters"),
        ("https://kommune.dk/a\nb", "it holds control characters"),
        ("https://kommune.dk\\@evil.example", "it holds a backslash"),
        ("https://kommune.dk@evil.example/", "it holds a user name or password"),
        ("https://anna:hemmelig@kommune.dk/", "it holds a user name or password"),
        ("https://-kommune.dk", "-kommune.dk is not a host name"),
        ("https://kommune..dk", "kommune..dk is not a host name"),
        ("https://kommune.dk:99999", "it is not a web address"),
        ("https://kommune.dk:port", "it is not a web address"),
        ("https://[::1", "it is not a web address"),
        ("https://kommune.dk/" + "a" * 2000, "it is longer than 2000 characters"),
    ],
)
def test_anything_but_a_web_address_is_refused_saying_why_with_an_example(typed, said):
    with pytest.raises(fieldtypes.ValueProblem) as refused:
        fieldtypes.parse(LINK, typed)
    assert said in str(refused.value.message)
    assert "(e.g. https://kommune.dk/dagsorden)" in str(refused.value.message)
    assert "(fx https://kommune.dk/dagsorden)" in refused.value.message.get("da")


_LOCAL = st.text(alphabet="abcXYZ019.!#$%&'*+-/=?^_`{|}~\"(),:;<>@[\\] æ", min_size=0, max_size=70)
_LABEL = st.one_of(
    st.text(alphabet="abz09-", min_size=1, max_size=64),
    st.sampled_from(
        ["æøå", "xn--d", "xn--bcher-kva", "localhost", "local", "test", "invalid", "123", "a" * 63]
    ),
)
_DOMAIN = st.one_of(
    st.lists(_LABEL, min_size=1, max_size=5).map(".".join),
    st.sampled_from(
        ["[127.0.0.1]", "x.dk.", ".x.dk", "x..dk", "kommune.dk", "\u0301x.dk", "x.dk>", "a" * 250 + ".dk"]
    ),
)


@settings(max_examples=3000, deadline=None)
@given(local=_LOCAL, domain=_DOMAIN)
def test_an_address_is_an_email_exactly_when_email_validator_says_so(local, domain):
    """is_email checks a plain address in its parts, its domain once for all addresses at
    it: always as email-validator checks the whole address."""
    address = f"{local}@{domain}"
    assert fieldtypes.is_email(address) == (fieldtypes._validated(address) is not None)
