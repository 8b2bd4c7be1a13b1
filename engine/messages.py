"""Messages a coordinator reads (refusals, values that do not fit), in Danish and English.

A :class:`Msg` is a ``str`` (the English text, for logs, scripts and the command line's
errors) that also knows its Danish wording: ``msg.get("da")``. The engine builds
messages with :func:`msg`; whoever shows them picks the language with :func:`text`.
"""

from typing import Any

# English template -> Danish template. Placeholders are the same in both.
DANISH = {
    "required fields are empty: {fields}": "disse felter skal udfyldes: {fields}",
    "a note is required: say why (--note)": "en note er påkrævet: skriv begrundelsen",
    "{actor} does not hold a role that may take it ({roles})": "{actor} har ikke en rolle, der må tage handlingen ({roles})",
    "`{action}` cannot be taken from step `{state}`; it is taken from {sources}": "`{action}` kan ikke tages fra trinnet `{state}`; den tages fra {sources}",
    "`{process}` has no action `{action}`{hint}": "`{process}` har ingen handling `{action}`{hint}",
    "`{field}` must be filled in": "`{field}` skal udfyldes",
    "`{field}` must be at least {value} (it is {current})": "`{field}` skal være mindst {value} (den er {current})",
    "`{field}` must be at most {value} (it is {current})": "`{field}` må højst være {value} (den er {current})",
    "`{field}` must be {value} (it is {current})": "`{field}` skal være {value} (den er {current})",
    "`{field}` must be given a new value in this action": "`{field}` skal have en ny værdi i denne handling",
    "`{field}` ({value}) is in the future": "`{field}` ({value}) ligger i fremtiden",
    "{value!r} is not a whole number": "{value!r} er ikke et helt tal",
    "{value!r} is not an amount in kroner (e.g. 12500 or 12.500,50)": "{value!r} er ikke et beløb i kroner (fx 12500 eller 12.500,50)",
    "{value!r} is not an amount in kroner with at most two decimals": "{value!r} er ikke et beløb i kroner med højst to decimaler",
    "{value!r} is not a date (e.g. 2026-03-01 or 1.3.2026)": "{value!r} er ikke en dato (fx 2026-03-01 eller 1.3.2026)",
    "{value!r} is not yes or no (ja/nej, yes/no)": "{value!r} er ikke ja eller nej",
    "{value!r} is not a date between 1900 and 2199": "{value!r} er ikke en dato mellem 1900 og 2199",
    "{value!r} is not one of the choices{hint}": "{value!r} er ikke et af valgene{hint}",
    "{value!r} is not an e-mail address": "{value!r} er ikke en e-mailadresse",
    "case {case} was changed by someone else while you worked on it; nothing was saved, look at it again": "sag {case} blev ændret af en anden, mens du arbejdede; intet blev gemt, se sagen igen",
    "case {case} was changed by someone else (revision {revision}, you had {expected}); "
    "nothing was saved, look at it again": "sag {case} er ændret af en anden (revision {revision}, du havde {expected}); "
    "intet blev gemt, se sagen igen",
    "{state}: deadline passed ({due})": "{state}: fristen er overskredet ({due})",
    "{state}: reminder, due {due}": "{state}: påmindelse, fristen er {due}",
    "{state}: deadline passed; `{action}` could not be taken: {reasons}": "{state}: fristen er overskredet; `{action}` kunne ikke tages: {reasons}",
    "did you mean `{word}`?": "mente du `{word}`?",
    "{account} may not act on someone else's behalf": "{account} må ikke handle på andres vegne",
    "`--as` needs the `admin` role in the config": "`--as` kræver rollen `admin` i konfigurationen",
    "the database is busy (another program is writing to it); nothing was saved, try again": "databasen er optaget (et andet program skriver i den); intet blev gemt, prøv igen",
    "expected one of {items}": "forventede en af {items}",
    " ({suggestion})": " ({suggestion})",
    "{field}: {problem}": "{field}: {problem}",
}


class Msg(str):
    """English text that can also say itself in Danish."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> "Msg":
        english = template.format(**{k: _in(v, "en") for k, v in params.items()})
        made = super().__new__(cls, english)
        made.template = template
        made.params = params
        return made

    def get(self, lang: str) -> str:
        if lang != "da" or self.template not in DANISH:
            return str(self)
        return DANISH[self.template].format(**{k: _in(v, "da") for k, v in self.params.items()})


def _in(value: Any, lang: str) -> Any:
    return value.get(lang) if isinstance(value, Msg) else value


def msg(template: str, **params: Any) -> Msg:
    return Msg(template, **params)


def text(message: str, lang: str) -> str:
    """``message`` in ``lang`` where it knows how, else as it is."""
    return message.get(lang) if isinstance(message, Msg) else str(message)
