"""The one way samskab says things to people, in Danish or English.

Every text a coordinator may read is written in English in the code and translated by
the catalogue in :mod:`samskab.engine.danish` (keyed by the English wording, as gettext
keys by its msgid). A Python dictionary instead of compiled gettext catalogues keeps it
one file with no build step; a test checks that every text is translated.

- :func:`words` says a text now, in a language (the front ends' labels and headings).
- :func:`msg` makes a :class:`Msg`: a ``str`` (the English text, for logs and scripts)
  that also knows its Danish wording, for refusals and errors raised deep in the engine
  before anyone knows who will read them; :func:`text` says it in a language.
- :class:`Both` is a text its source already gives in both languages (a process's own
  titles and labels), to pass as a parameter.
- :func:`day`, :func:`due_day` and :func:`moment` show a time to people. Every time
  a front end shows goes through them, in the municipality's local time
  (:mod:`samskab.engine.localtime`); a deadline as its last day. :func:`from_today`
  says how far a day is from today ("om 3 måneder", "2 dage for sent").
"""

import datetime as dt
from typing import Any

import attrs

from samskab.engine import localtime
from samskab.engine.danish import DANISH

LANGUAGES = ("da", "en")


@attrs.frozen
class Both:
    """A text given in both languages, e.g. a field's label from its process file."""

    da: str
    en: str

    @classmethod
    def of(cls, text: Any) -> "Both":
        """A process file's own text (``definition.Text``: ``da``, and ``get("en")``)."""
        return cls(text.da, text.get("en"))

    def get(self, lang: str) -> str:
        return self.da if lang == "da" else self.en

    def __str__(self) -> str:
        return self.en


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
    return value.get(lang) if isinstance(value, Msg | Both) else value


def msg(template: str, **params: Any) -> Msg:
    return Msg(template, **params)


def words(template: str, lang: str, **params: Any) -> str:
    """``template`` (English) said in ``lang``, with ``params`` filled in (as
    ``msg(template, **params).get(lang)``, without saying it in English first)."""
    if lang == "da" and template in DANISH:
        return DANISH[template].format(**{k: _in(v, "da") for k, v in params.items()})
    return Msg(template, **params).get(lang)


def text(message: str, lang: str) -> str:
    """``message`` in ``lang`` where it knows how, else as it is."""
    return message.get(lang) if isinstance(message, Msg) else str(message)


def quoted(value: str, limit: int = 100) -> str:
    """Text from outside (a header a browser or proxy sent) fit to say back: at most
    ``limit`` characters, each one that does not print (a control character) as ``?``."""
    return "".join(c if c.isprintable() else "?" for c in value[:limit])


def day(when: dt.date | None, lang: str) -> str:
    """A date, or the local date of a time, as people write it: 23.12.2026 (da),
    2026-12-23 (en)."""
    if when is None:
        return ""
    date = localtime.local(when).date() if isinstance(when, dt.datetime) else when
    return f"{date.day}.{date.month}.{date.year:04d}" if lang == "da" else date.isoformat()


def due_day(when: dt.datetime | None, lang: str) -> str:
    """A deadline's last day: one falling due at local midnight ends the day before."""
    return day(localtime.last_day(when), lang) if when is not None else ""


def moment(when: dt.datetime | None, lang: str) -> str:
    """Local date and time of a time: 23.12.2026 09:30 (da), 2026-12-23 09:30 (en)."""
    return f"{day(when, lang)} {localtime.local(when):%H:%M}" if when is not None else ""


def span(days: int, lang: str) -> str:
    """A number of days as people say it: "5 dage", "3 måneder", "2 år"."""
    if days < 60:
        return words("{n} day" if days == 1 else "{n} days", lang, n=days)
    if days < 730:
        return words("{n} months", lang, n=days // 30)
    return words("{n} years", lang, n=days // 365)


def from_today(days: int, lang: str, *, deadline: bool = False) -> str:
    """A day ``days`` whole local days from today in words: "i dag", "i morgen", "om 5
    dage", "for 3 måneder siden"; a ``deadline`` passed is "3 dage for sent"."""
    if days == 0:
        return words("today", lang)
    if days == 1:
        return words("tomorrow", lang)
    if days > 0:
        return words("in {time}", lang, time=span(days, lang))
    if deadline:
        return words("{time} late", lang, time=span(-days, lang))
    return words("yesterday", lang) if days == -1 else words("{time} ago", lang, time=span(-days, lang))
