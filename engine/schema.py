"""The JSON Schema of process files, generated from the attrs classes that define them.

``samskab processes schema`` prints it; editors such as VS Code (with Even Better TOML
or Taplo) check process files against it as people type.
"""

import types
import typing
from typing import Any

import attrs

from samskab.engine.definition import Process, Text


def _type_schema(kind: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(kind)
    if kind is Text:
        defs.setdefault("Text", {})
        defs["Text"] = {
            "description": "Danish text, or a table with `da` and `en`",
            "anyOf": [{"type": "string"}, _class_schema(Text, defs)],
        }
        return {"$ref": "#/$defs/Text"}
    if attrs.has(kind):
        if kind.__name__ not in defs:
            defs[kind.__name__] = {}
            defs[kind.__name__] = _class_schema(kind, defs)
        return {"$ref": f"#/$defs/{kind.__name__}"}
    if origin in (typing.Union, types.UnionType):
        options = [_type_schema(k, defs) for k in typing.get_args(kind) if k is not type(None)]
        return options[0] if len(options) == 1 else {"anyOf": options}
    if origin is tuple:
        item = typing.get_args(kind)[0]
        items = _type_schema(item, defs)
        if item is str:
            return {"anyOf": [{"type": "string"}, {"type": "array", "items": items}]}
        return {"type": "array", "items": items}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(typing.get_args(kind)[1], defs)}
    return {str: {"type": "string"}, int: {"type": "integer"}, bool: {"type": "boolean"}}[kind]


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required = []
    for attribute in attrs.fields(cls):
        name = attribute.metadata.get("toml", attribute.name)
        schema = dict(_type_schema(hints[attribute.name], defs))
        if "doc" in attribute.metadata:
            schema["description"] = attribute.metadata["doc"]
        if "enum" in attribute.metadata:
            schema = _only(schema, list(attribute.metadata["enum"]))
        properties[name] = schema
        if attribute.default is attrs.NOTHING:
            required.append(name)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _only(schema: dict[str, Any], allowed: list[str]) -> dict[str, Any]:
    """``schema`` taking only ``allowed`` values: a value itself, or each item of a list
    (``external_sees = "note"`` or ``["note", "fields"]``)."""
    if "anyOf" in schema:
        return {**schema, "anyOf": [_only(option, allowed) for option in schema["anyOf"]]}
    if schema.get("type") == "array":
        return {**schema, "items": {**schema.get("items", {}), "enum": allowed}}
    return {**schema, "enum": allowed}


def process_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = _class_schema(Process, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "samskab process definition",
        **root,
        "$defs": defs,
    }
