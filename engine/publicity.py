"""Which fields of a process name a person, and so are never on the municipality's
website (``samskab publish``), whatever a process file's ``[public]`` table says.

A field names a person when it is an e-mail field, when a role is bound to it, or when
its id or label says it holds who someone is: a free-text field about a name, an
address, a phone number, a contact or someone responsible; any field about a birth or a
CPR number. The process checker refuses such a field as public (``engine.validate``), and
the website leaves out a case whose public texts mention what such a field holds.
"""

from samskab.engine.definition import Field, Process
from samskab.engine.messages import Msg, msg

SAYS_A_PERSON = (
    "navn",
    "name",
    "mail",
    "telefon",
    "tlf",
    "phone",
    "adresse",
    "address",
    "kontakt",
    "contact",
    "person",
    "ansvarlig",
    "responsible",
    "leder",
    "leader",
    "ansøger",
    "applicant",
    "underskrevet af",
    "signed by",
)
"""Words in a text field's id or label that say it holds who someone is."""

SAYS_AN_IDENTITY = ("cpr", "fødsel", "birth")
"""Words in any field's id or label that say it identifies someone."""

FREE_TEXT = ("text", "longtext")


def names_a_person(process: Process, field: Field) -> Msg | None:
    """Why ``field`` names a person, or None when nothing says it does."""
    if field.type == "email":
        return msg("it is an e-mail field")
    bound = next((role for role in process.roles if field.id in role.bound_to), None)
    if bound is not None:
        return msg("the role {role} is bound to it", role=bound.id)
    said = " ".join((field.id.replace("_", " "), field.label.da, field.label.get("en"))).casefold()
    words = SAYS_AN_IDENTITY + (SAYS_A_PERSON if field.type in FREE_TEXT else ())
    word = next((w for w in words if w in said), None)
    if word is not None:
        return msg("its id or label says so: {word}", word=word)
    return None


def personal_fields(process: Process) -> tuple[str, ...]:
    """The ids of the process's fields that name a person."""
    return tuple(f.id for f in process.fields if names_a_person(process, f) is not None)
