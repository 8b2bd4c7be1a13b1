"""Parties bound to their case: a role whose holders act only in the cases that name them
(`bound_to`), so the Lions' contact cannot end Ældre Sagen's partnership."""

import datetime as dt

import attrs
import pytest
from conftest import PROCESSES

from samskab.engine.cases import ACTION, Event
from samskab.engine.config import Person, os_account
from samskab.engine.definition import Notify
from samskab.engine.loader import Loader
from samskab.engine.notifications import recipients
from samskab.engine.plugins import make_plugin_manager

ME = os_account()


@pytest.fixture
def partners(samskab):
    """I coordinate; lions and aeldre each hold the partner organisation's role."""
    samskab("people", "add", ME, "--role", "koordinator")
    samskab("people", "add", "lions", "--role", "organisation", "--email", "Kontakt@Lions.dk")
    samskab("people", "add", "aeldre", "--role", "organisation", "--email", "kontakt@aeldresagen.dk")
    lions = samskab.json(
        "cases", "new", "partnerskab", "--title", "Lions", "--set", "kontakt_email=kontakt@lions.dk"
    )
    aeldre = samskab.json(
        "cases",
        "new",
        "partnerskab",
        "--title",
        "Ældre Sagen",
        "--set",
        "kontakt_email=kontakt@aeldresagen.dk",
    )
    return str(lions["id"]), str(aeldre["id"])


def withdraw(samskab, case, person, exit=0):
    args = ["cases", "advance", case, "afbryd", "--as", person, "--note", "Vi trækker os"]
    return samskab(*args, exit=exit) if exit else samskab.json(*args)


def test_a_bound_party_acts_in_its_own_case_only(samskab, partners):
    lions, aeldre = partners
    refused = withdraw(samskab, aeldre, "lions", exit=1)
    assert (
        "lions is Partner organisation only in the cases that name them in Organisation's contact (e-mail)"
        in refused.stderr
    )
    assert samskab.json("cases", "show", aeldre)["state"] == "dialog"
    # Named by their address, whatever its case.
    assert withdraw(samskab, lions, "lions")["state"] == "ikke_indgaaet"
    assert withdraw(samskab, aeldre, "aeldre")["state"] == "ikke_indgaaet"


def test_a_party_cannot_take_over_a_case_by_correcting_its_contact(samskab, partners):
    """The case must name them already: correcting the contact to oneself is refused."""
    _, aeldre = partners
    args = ["cases", "correct", aeldre, "--as", "lions", "--set", "kontakt_email=kontakt@lions.dk"]
    refused = samskab(*args, "--reason", "Vi overtager", exit=1)
    assert "does not hold a role that may correct fields" in refused.stderr
    assert samskab.json("cases", "show", aeldre)["fields"]["kontakt_email"] == "kontakt@aeldresagen.dk"


def test_a_name_is_matched_exactly_not_as_part_of_a_text(samskab, partners):
    """A field naming 'kontakt@lions.dk.evil.example' or 'x kontakt@lions.dk' names no one."""
    samskab("people", "grant", ME, "admin")
    for address in ("kontakt@lions.dk.evil.example", "ikke-kontakt@lions.dk"):
        case = samskab.json(
            "cases", "new", "partnerskab", "--title", "Andre", "--set", f"kontakt_email={address}"
        )
        assert (
            "only in the cases that name them" in withdraw(samskab, str(case["id"]), "lions", exit=1).stderr
        )


def test_a_coordinator_is_not_bound(samskab, partners):
    _, aeldre = partners
    assert withdraw(samskab, aeldre, ME)["state"] == "ikke_indgaaet"


def test_processes_show_says_who_is_bound(samskab):
    text = samskab("--lang", "da", "processes", "show", "partnerskab").stdout
    assert (
        "Partnerorganisation [organisation]: kun i de sager, der nævner dem i Organisationens kontakt (e-mail)"
        in text
    )
    roles = samskab.json("processes", "show", "partnerskab")["roles"]
    assert next(r for r in roles if r["id"] == "organisation")["bound_to"] == ["kontakt_email"]


def test_a_message_to_a_bound_role_goes_to_the_party_of_the_case_only(samskab):
    """A notify rule naming the bound role reaches the people the case names, not every
    holder of the role."""
    loader = Loader(make_plugin_manager(load_entrypoints=False))
    process = loader.read(
        (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8"), "partnerskab.toml"
    ).process
    process = attrs.evolve(process, notify=(Notify(on="action", to=("organisation", "koordinator")),))
    people = {
        "lions": Person(email="kontakt@lions.dk", roles=("organisation",)),
        "aeldre": Person(email="kontakt@aeldresagen.dk", roles=("organisation",)),
        "mette": Person(email="mette@kommune.dk", roles=("koordinator",)),
    }
    event = Event(
        1, dt.datetime(2026, 3, 1, tzinfo=dt.UTC), "mette", ACTION, "udform_aftale", "dialog", "aftaleudkast"
    )
    found = recipients(process, {"kontakt_email": "KONTAKT@lions.dk"}, people, event)
    assert set(found) == {"kontakt@lions.dk", "mette@kommune.dk"}


@pytest.mark.parametrize(
    ("bound", "said"),
    [
        ('bound_to = ["kontakt_emial"]', "unknown field `kontakt_emial` (did you mean `kontakt_email`?)"),
        ('bound_to = ["tilskud"]', "`tilskud` is a money field; a role is bound to a field naming a person"),
    ],
)
def test_mistakes_in_bindings_are_found(samskab, workdir, bound, said):
    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    (workdir / "p.toml").write_text(text.replace('bound_to = ["kontakt_email"]', bound), encoding="utf-8")
    err = samskab("processes", "check", "p.toml", exit=2).stderr
    assert said in err and "p.toml:" in err
