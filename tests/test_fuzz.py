"""Hostile and clumsy input never runs code and never crashes: every random or mutated
process file, config file and typed value is either accepted or refused with a clear
error. Bounded and derandomised, so CI is repeatable."""

import json
import string
import tempfile
import tomllib
from pathlib import Path

import tomli_w
from conftest import PROCESSES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from samskab.engine import fieldtypes, jsontext
from samskab.engine.channels import build_channels
from samskab.engine.config import load_config
from samskab.engine.definition import FIELD_TYPES, Field, Option, Text
from samskab.engine.errors import InvalidFiles
from samskab.engine.loader import load_text
from samskab.engine.machine import CompiledProcess
from samskab.engine.plugins import make_plugin_manager

BOUNDED = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
PM = make_plugin_manager(load_entrypoints=False)
GUARDS = {guard.name: guard for guards in PM.hook.register_guards() for guard in guards}
CHANNEL_TYPES = {kind.type: kind for kinds in PM.hook.register_channel_types() for kind in kinds}
VALID = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
VALID_DATA = tomllib.loads(VALID)

scalars = st.one_of(
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "dialog",
            "aktiv",
            "os.system",
            "P3Y",
            "P0D",
            "x" * 300,
            "P99999Y",
            "PT99999999999H",
            "P1.5Y",
            "P3000000D",
            "__import__('os')",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(string.ascii_lowercase + "_.", max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)


def accepted_or_refused(text: str) -> None:
    try:
        definition = load_text(text, "fuzz.toml", guards=GUARDS)
    except InvalidFiles as refused:
        assert refused.problems and all(p.message for p in refused.problems)
        return
    CompiledProcess(definition)  # what is accepted also runs


@BOUNDED
@given(st.lists(st.tuples(st.integers(0, len(VALID)), st.integers(0, 40), st.text(max_size=12)), max_size=4))
def test_mutated_process_text(edits):
    text = VALID
    for position, length, insert in edits:
        text = text[:position] + insert + text[position + length :]
    accepted_or_refused(text)


def _paths(data, prefix=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield prefix + (i,)
            yield from _paths(value, prefix + (i,))


PATHS = list(_paths(VALID_DATA))


def _set(data, path, value):
    target = data
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()


@BOUNDED
@given(
    st.lists(st.tuples(st.sampled_from(PATHS), st.one_of(st.just(_DELETE), values)), min_size=1, max_size=3)
)
def test_mutated_process_structure(changes):
    data = tomllib.loads(VALID)
    for path, value in changes:
        try:
            _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return
    accepted_or_refused(text)


@BOUNDED
@given(
    st.dictionaries(
        st.sampled_from(["processes", "people", "channels", "delivery", "colour"]), values, max_size=4
    )
)
def test_random_config(data):
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "samskab.toml"
        path.write_text(text, encoding="utf-8")
        try:
            config = load_config(path, required=True)
            build_channels(config.channels, CHANNEL_TYPES, str(path))
        except InvalidFiles as refused:
            assert refused.problems


@BOUNDED
@given(st.sampled_from(FIELD_TYPES), st.text(max_size=30))
def test_any_typed_value(kind, typed):
    field = Field("f", kind, Text("F"), options=(Option("a", Text("A")),) if kind == "choice" else ())
    try:
        fieldtypes.parse(field, typed)
    except fieldtypes.ValueProblem as problem:
        assert str(problem.message)


STORED_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=["Cs"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@BOUNDED
@given(STORED_VALUES)
@example({"antal": -9223372036854775809, "tekst": "1234567890123456789"})  # beyond 64 bits
def test_stored_json_is_the_standard_librarys(value):
    """Digests made with orjson and with the standard library agree byte for byte, so a
    history written by either verifies with either."""
    standard = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert jsontext.dumps(value) == standard
    assert jsontext.loads(standard) == value


URLISH = st.builds(
    "".join,
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "https://",
                    "http://",
                    "HTTP://",
                    "javascript:",
                    "file://",
                    "data:",
                    "//",
                    ":",
                    "@",
                    "[",
                    "]",
                    "\\",
                    "%0a",
                    "kommune.dk",
                    "xn--hring-yua.dk",
                    ".",
                    "-",
                    "_",
                    "/",
                    "?",
                    "#",
                    " ",
                    "\t",
                    "\x1b",
                ]
            ),
            st.text(max_size=6),
        ),
        max_size=8,
    ),
)


@BOUNDED
@given(URLISH)
@example("java\tscript:alert(1)")
@example(" https://kommune.dk")
def test_a_link_kept_is_always_a_web_address_with_a_host(typed):
    """Whatever is typed, a link is kept only as an http or https address with a host and
    nothing a terminal or a browser would run or misread; anything else is refused in words."""
    import urllib.parse

    field = Field("f", "link", Text("F"))
    try:
        kept = fieldtypes.parse(field, typed)
    except fieldtypes.ValueProblem as problem:
        assert str(problem.message).startswith(f"{typed.strip()!r} is not a link: ")
        return
    if kept is None:
        assert typed.strip() == ""
        return
    parts = urllib.parse.urlsplit(kept)
    assert parts.scheme.lower() in ("http", "https") and parts.hostname
    assert not any(c.isspace() or c in "\\@" or fieldtypes.CONTROL.match(c) for c in parts.netloc + kept)
