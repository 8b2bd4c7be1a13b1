"""Reading TOML data into attrs classes, with every mistake as a clear finding.

One strict cattrs converter setup serves process files and the config file: types
are checked exactly (TOML already typed them, so ``"3"`` is not a number), unknown
keys are refused with a suggestion, and cattrs' grouped errors become
:class:`engine.validate.Finding` objects with the place of each mistake.
"""

import tomllib
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, override

from samskab.engine.definition import Action, DayOfYear, GuardRef, Text
from samskab.engine.errors import InvalidFiles, Problem
from samskab.engine.locate import Place, find_line, format_place, line_index
from samskab.engine.suggest import did_you_mean
from samskab.engine.validate import Finding

STRUCTURE_ERRORS = (ClassValidationError, IterableValidationError)


def _strict(kind: type) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {_TYPE_WORDS[kind]}, got {_describe(value)}")
        return value

    return structure


_TYPE_WORDS = {str: "text", int: "a whole number", bool: "true or false"}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def make_converter(*, forbid_extra_keys: bool) -> cattrs.Converter:
    """The converter for process files: strict types, and the file's spelling of keys."""
    converter = cattrs.Converter(forbid_extra_keys=forbid_extra_keys)
    for kind in (str, int, bool):
        converter.register_structure_hook(kind, _strict(kind))

    def one_or_many(value: Any, _: type) -> tuple[str, ...]:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list):
            raise TypeError(f"expected text or a list of text, got {_describe(value)}")
        return tuple(converter.structure(v, str) for v in values)

    converter.register_structure_hook_func(lambda kind: kind == tuple[str, ...], one_or_many)

    def scalar(value: Any, _: type) -> int | str | bool | None:
        if value is None or (type(value) in (int, str, bool)):
            return value
        raise TypeError(f"expected a whole number, text, or true/false, got {_describe(value)}")

    converter.register_structure_hook(int | str | bool | None, scalar)

    text_from_table = make_dict_structure_fn(Text, converter)
    converter.register_structure_hook(
        Text, lambda v, t: Text(da=v) if isinstance(v, str) else text_from_table(v, t)
    )
    guard_from_table = make_dict_structure_fn(GuardRef, converter)
    converter.register_structure_hook(
        GuardRef, lambda v, t: GuardRef(name=v) if isinstance(v, str) else guard_from_table(v, t)
    )

    day_from_table = make_dict_structure_fn(DayOfYear, converter)

    def day_of_year(value: Any, kind: type) -> DayOfYear:
        if not isinstance(value, dict):
            raise TypeError(f"expected a table such as {{ month = 3, day = 15 }}, got {_describe(value)}")
        return day_from_table(value, kind)

    converter.register_structure_hook(DayOfYear, day_of_year)
    converter.register_structure_hook(
        Action,
        make_dict_structure_fn(Action, converter, from_=override(rename="from")),
    )
    return converter


STRICT = make_converter(forbid_extra_keys=True)
LENIENT = make_converter(forbid_extra_keys=False)


def _toml_keys(cls: type) -> list[str]:
    return [a.metadata.get("toml", a.name) for a in attrs.fields(cls)]


def findings(exc: BaseException, place: Place = ()) -> Iterable[Finding]:
    """Walk cattrs' grouped exceptions (as ``cattrs.transform_error`` does) into findings."""
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        steps: list[tuple[Exception, str | int]]
        if isinstance(exc, ClassValidationError):
            with_names, without = exc.group_exceptions()
            steps = [(inner, _toml_name(exc.cl, note.name)) for inner, note in with_names]
        else:
            with_indexes, without = exc.group_exceptions()
            steps = [(inner, note.index) for inner, note in with_indexes]
        for inner, step in steps:
            yield from findings(inner, place + (step,))
        for inner in without:
            yield from findings(inner, place)
    elif isinstance(exc, ForbiddenExtraKeysError):
        allowed = _toml_keys(exc.cl)
        for key in sorted(exc.extra_fields):
            yield Finding(place + (key,), f"unknown key `{key}`", did_you_mean(key, allowed))
    elif isinstance(exc, KeyError):
        yield Finding(place, "required key missing")
    elif isinstance(exc, TypeError) and str(exc).startswith("expected"):
        yield Finding(place, str(exc))
    elif isinstance(exc, (TypeError, AttributeError)):
        yield Finding(place, "expected a table" if "items" in str(exc) else "wrong kind of value")
    else:
        yield Finding(place, f"invalid value ({exc})")


def _toml_name(cls: type, name: str) -> str:
    for attribute in attrs.fields(cls):
        if attribute.name == name:
            return attribute.metadata.get("toml", name)
    return name


def problems(found: Iterable[Finding], text: str, origin: str) -> list[Problem]:
    """Findings as problems a person can act on: file, line, place, message, suggestion."""
    index = line_index(text)
    return [
        Problem(origin, format_place(f.place), f.message, find_line(index, f.place), f.suggestion)
        for f in found
    ]


def read_toml(text: str, origin: str) -> dict[str, Any]:
    """A TOML file's data; anything that is not TOML samskab can read is InvalidFiles
    naming the file (and the line, where TOML says it), never a traceback."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, _, where = str(exc).partition(" (at line ")
        line = int(where.split(",")[0]) if where else None
        raise InvalidFiles([Problem(origin, "", f"not valid TOML: {message}", line)]) from None
    except RecursionError:
        raise InvalidFiles([Problem(origin, "", "tables or lists nest deeper than samskab reads")]) from None
    except ValueError:  # an integer of thousands of digits, more than Python reads
        raise InvalidFiles([Problem(origin, "", "a number has more digits than samskab reads")]) from None
