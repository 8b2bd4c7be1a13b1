"""The kinds of field a process can record: how a typed value is read and shown.

Values are stored as JSON: text, long text, e-mail, link (an http or https address),
date (``YYYY-MM-DD``) and choice as strings, integer as a number, yes/no as true/false,
money as a string with two decimals (``"12500.00"``, exact, in DKK). Reading accepts
what Danish users type: ``12.500,50`` and ``12500.50`` for money, ``1.3.2026`` and
``2026-03-01`` for dates, ``ja``/``nej`` for yes/no.
"""

import datetime as dt
import functools
import ipaddress
import re
import urllib.parse
from decimal import Decimal, InvalidOperation
from typing import Any

from samskab.engine.definition import Field
from samskab.engine.messages import Msg, day, msg, words
from samskab.engine.suggest import did_you_mean

_YES = {"ja", "j", "yes", "y", "true", "1"}
_NO = {"nej", "n", "no", "false", "0"}
_DANISH_DATE = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$")


class ValueProblem(ValueError):
    """A value that does not fit its field; the message says what would."""

    @property
    def message(self):
        return self.args[0]


def parse(field: Field, text: str) -> Any:
    """Read ``text`` as typed by a person into the stored value; '' clears the field."""
    text = text.strip()
    if text == "":
        return None
    reader = _READERS[field.type]
    return reader(field, text)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Characters that steer a terminal or a mail header (escape sequences, carriage return):
never part of what a person types. Longer texts keep line breaks and tabs."""


def control_problem(text: str, *, one_line: bool) -> Msg | None:
    """Why ``text`` cannot be kept as it is, or None."""
    if one_line and ("\n" in text or "\t" in text):
        return msg("{value!r} holds line breaks; type it on one line", value=text)
    if CONTROL.search(text):
        return msg("{value!r} holds control characters; type it as plain text", value=text)
    return None


def _text(field: Field, text: str) -> str:
    problem = control_problem(text, one_line=field.type != "longtext")
    if problem:
        raise ValueProblem(problem)
    return text


def _integer(field: Field, text: str) -> int:
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return int(text)
    except ValueError:
        raise ValueProblem(msg("{value!r} is not a whole number", value=text)) from None


LARGEST_AMOUNT = Decimal(10) ** 15


def _money(field: Field, text: str) -> str:
    cleaned = re.sub(r"(?i)\s|kr\.?|dkk", "", text)
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem(
            msg("{value!r} is not an amount in kroner (e.g. 12500 or 12.500,50)", value=text)
        ) from None
    if amount.is_finite() and abs(amount) >= LARGEST_AMOUNT:
        raise ValueProblem(msg("{value!r} is more kroner than samskab keeps (under 10^15)", value=text))
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValueProblem(msg("{value!r} is not an amount in kroner with at most two decimals", value=text))
    return str(amount.quantize(Decimal("0.01")))


def _date(field: Field, text: str) -> str:
    danish = _DANISH_DATE.match(text)
    try:
        if danish:
            day, month, year = (int(part) for part in danish.groups())
            date = dt.date(year, month, day)
        else:
            date = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueProblem(msg("{value!r} is not a date (e.g. 2026-03-01 or 1.3.2026)", value=text)) from None
    # Deadlines are counted from dates; keep them where the calendar arithmetic works.
    if not 1900 <= date.year <= 2199:
        raise ValueProblem(msg("{value!r} is not a date between 1900 and 2199", value=text))
    return date.isoformat()


def _yesno(field: Field, text: str) -> bool:
    word = text.lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueProblem(msg("{value!r} is not yes or no (ja/nej, yes/no)", value=text))


def _choice(field: Field, text: str) -> str:
    ids = [option.id for option in field.options]
    if text in ids:
        return text
    for option in field.options:
        if text.lower() in (option.title.da.lower(), (option.title.en or "").lower()):
            return option.id
    hint = did_you_mean(text, ids)
    raise ValueProblem(
        msg(
            "{value!r} is not one of the choices{hint}",
            value=text,
            hint=msg(" ({suggestion})", suggestion=hint) if hint else "",
        )
    )


_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_DOT_ATOM = re.compile(f"[{_ATEXT}]+(?:\\.[{_ATEXT}]+)*")
"""A local part of plain characters, as email-validator's ``DOT_ATOM_TEXT`` takes it."""
LONGEST_ADDRESS = 254
"""Bytes of UTF-8 an address holds at most (RFC 5321), as email-validator counts them."""


def is_email(text: str) -> bool:
    """One address as mail servers take it (``a,b@x.dk`` is not one, nor two), checked
    by email-validator without asking the network.

    An address whose part before the @ is plain (letters, digits, dots and the like, as
    nearly all are) is checked as email-validator checks it, in its parts: that part by
    its own rule, the domain by email-validator once for every address at it (what costs,
    and a file of a thousand addresses holds few domains), the lengths as it counts them.
    ``tests/test_fieldtypes.py`` keeps the two ways in step."""
    local, at, domain = text.rpartition("@")
    if not (at and _DOT_ATOM.fullmatch(local)):
        return _validated(text) is not None
    found = _domain(domain)
    return found is not None and all(
        len(local) + 1 + len(form.encode()) <= LONGEST_ADDRESS for form in (domain, *found)
    )


@functools.lru_cache(maxsize=4096)
def _domain(domain: str) -> tuple[str, str] | None:
    """The domain as email-validator gives it back (its Unicode and its ASCII form) if an
    address at it can be valid; None if none can."""
    checked = _validated(f"a@{domain}")
    return None if checked is None else (checked.domain, checked.ascii_domain)


def _validated(text: str) -> Any:
    """email-validator's answer for an address (None: not one); imported at the first
    (27 ms)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return None


def _email(field: Field, text: str) -> str:
    if not is_email(text):
        raise ValueProblem(msg("{value!r} is not an e-mail address", value=text))
    return text


LINK_SCHEMES = ("https", "http")
LONGEST_LINK = 2000
_HOST_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
"""A part of a host name between dots: letters (æøå too) and digits, hyphens inside."""


def link_problem(text: str) -> Msg | None:
    """Why ``text`` is not a link samskab keeps, or None: an http or https address with a
    host, nothing else (no ``javascript:``, ``file:`` or ``data:``, which a click would run or
    open on the coordinator's own machine), no spaces, control characters, backslashes or
    user name and password (``https://kommune.dk@elsewhere.example`` leads elsewhere)."""
    if re.search(r"[\x00-\x1f\x7f-\x9f]", text):  # line breaks and tabs too
        return msg("it holds control characters")
    if re.search(r"\s", text):
        return msg("it holds spaces (write them as %20)")
    if "\\" in text:
        return msg("it holds a backslash; web addresses use /")
    if len(text) > LONGEST_LINK:
        return msg("it is longer than {count} characters", count=LONGEST_LINK)
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 (raises for a port that is not one)
    except ValueError:
        return msg("it is not a web address")
    scheme = parts.scheme.lower()
    if not scheme or "." in scheme:  # kommune.dk/x, or kommune.dk:8080/x
        return msg("it does not start with https://")
    if scheme not in LINK_SCHEMES:
        return msg("only http and https links are kept, not {scheme}:", scheme=scheme)
    if not parts.hostname:
        return msg("it has no host (the part after https://)")
    if "@" in parts.netloc:
        return msg("it holds a user name or password (before @)")
    if not _is_host(parts.hostname):
        return msg("{host} is not a host name", host=parts.hostname)
    return None


def _is_host(host: str) -> bool:
    if ":" in host:  # in brackets in the address: an IPv6 address
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return all(_HOST_LABEL.fullmatch(label) for label in host.removesuffix(".").split("."))


def _link(field: Field, text: str) -> str:
    problem = link_problem(text)
    if problem:
        raise ValueProblem(
            msg(
                "{value!r} is not a link: {problem} (e.g. https://kommune.dk/dagsorden)",
                value=text,
                problem=problem,
            )
        )
    return text


_READERS = {
    "text": _text,
    "longtext": _text,
    "email": _email,
    "integer": _integer,
    "money": _money,
    "date": _date,
    "yesno": _yesno,
    "choice": _choice,
    "link": _link,
}


def show(field: Field, value: Any, lang: str = "da") -> str:
    """A stored value as a person reads it: 12.500,00 kr., 1.3.2026, ja, an option's title."""
    if value is None:
        return ""
    if field.type == "money":
        whole, _, cents = str(value).partition(".")
        cents = (cents + "00")[:2]
        grouped = f"{int(whole):,}"
        return f"{grouped.replace(',', '.')},{cents} kr." if lang == "da" else f"DKK {grouped}.{cents}"
    if field.type == "date" and lang == "da":
        return day(dt.date.fromisoformat(value), lang)
    if field.type == "yesno":
        return words("yes" if value else "no", lang)
    if field.type == "choice":
        option = next((o for o in field.options if o.id == value), None)
        return option.title.get(lang) if option else str(value)
    return str(value)


def is_filled(value: Any) -> bool:
    return value is not None and value != ""
