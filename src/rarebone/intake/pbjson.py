"""Protobuf's canonical JSON of a message, without building the message (the Phenopacket reader's hot path).

``phenopacket._parse_message`` used to run ``json_format.ParseDict`` then ``MessageToDict``: a strict parse (unknown
fields, wrong types and bad timestamps are errors) and the canonical form the reader walks (camelCase names, fields
in field-number order, defaults dropped, 64-bit integers as strings, doubles as floats, timestamps normalised).
Both halves are protobuf's pure-Python JSON walk and cost ~0.8 ms for a small record, the largest single step of a
CDS Hooks call (docs/cds-speed-log.md).

``canonical(document, descriptor)`` computes the same dict straight from the descriptors, for the plain shapes
records are written in. Anything else (a snake_case name, a null, a number given as a string, an enum given as a
number, a map, bytes, another well-known type, a zero -0.0, a value protobuf would refuse, ...) raises
``Unsupported`` and the caller runs protobuf itself, so errors and unusual inputs get protobuf's own answer.
tests/intake/test_pbjson.py compares the two on every record in the repository and on generated charts.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# json_format._UNPAIRED_SURROGATE_PATTERN: protobuf refuses such strings
_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
_INT32 = (-(2 ** 31), 2 ** 31 - 1)
_UINT32 = (0, 2 ** 32 - 1)
_INT64 = (-(2 ** 63), 2 ** 63 - 1)
_UINT64 = (0, 2 ** 64 - 1)
_MAX_DEPTH = 90  # ParseDict's limit is 100 nested messages; deeper records go to protobuf


class Unsupported(Exception):
    """Not a shape handled here: let protobuf parse it (and raise its own error when it is wrong)."""


class _Field:
    __slots__ = ("name", "number", "kind", "repeated", "message", "enum", "oneof", "bounds", "as_text")

    def __init__(self, fd) -> None:
        self.name, self.number = fd.json_name, fd.number
        self.repeated = fd.is_repeated
        self.oneof = fd.containing_oneof.name if fd.containing_oneof is not None else None
        self.message = self.enum = self.bounds = None
        self.as_text = False
        if fd.cpp_type == fd.CPPTYPE_MESSAGE:
            if fd.message_type.GetOptions().map_entry:
                self.kind = "unsupported"
            elif fd.message_type.full_name == "google.protobuf.Timestamp":
                self.kind = "timestamp"
            elif fd.message_type.full_name.startswith("google.protobuf."):
                self.kind = "unsupported"  # other well-known types have their own JSON forms
            else:
                self.kind, self.message = "message", fd.message_type
        elif fd.has_presence and not self.repeated:
            self.kind = "unsupported"  # a default value would be printed: rare, left to protobuf
        elif fd.cpp_type == fd.CPPTYPE_STRING:
            self.kind = "unsupported" if fd.type == fd.TYPE_BYTES else "string"
        elif fd.cpp_type == fd.CPPTYPE_ENUM:
            self.kind = "enum"
            self.enum = {v.name: v.number for v in fd.enum_type.values}
        elif fd.cpp_type == fd.CPPTYPE_BOOL:
            self.kind = "bool"
        elif fd.cpp_type == fd.CPPTYPE_DOUBLE:
            self.kind = "double"
        elif fd.cpp_type in (fd.CPPTYPE_INT32, fd.CPPTYPE_UINT32, fd.CPPTYPE_INT64, fd.CPPTYPE_UINT64):
            self.kind = "int"
            self.bounds = {fd.CPPTYPE_INT32: _INT32, fd.CPPTYPE_UINT32: _UINT32, fd.CPPTYPE_INT64: _INT64,
                           fd.CPPTYPE_UINT64: _UINT64}[fd.cpp_type]
            self.as_text = fd.cpp_type in (fd.CPPTYPE_INT64, fd.CPPTYPE_UINT64)  # proto3 JSON prints them quoted
        else:
            self.kind = "unsupported"  # 32-bit float: MessageToDict rounds it to the shortest float32 text


@lru_cache(maxsize=None)
def _fields(descriptor) -> dict[str, _Field]:
    """json_name -> field. Built once per message type, on first use (not at import: assess must start fast)."""
    return {fd.json_name: _Field(fd) for fd in descriptor.fields}


def canonical(document: dict, descriptor) -> dict:
    """MessageToDict(ParseDict(document, Message())) for ``descriptor``'s message, or Unsupported."""
    return _message(document, descriptor, 0)


def _message(node, descriptor, depth: int) -> dict:
    if type(node) is not dict or depth > _MAX_DEPTH:
        raise Unsupported
    fields = _fields(descriptor)
    out: dict[str, object] = {}
    last = 0  # the last field number printed: the keys are re-sorted only when one came out of order
    ordered = True
    oneofs: set[str] | None = None  # made for the first oneof member only: most messages have none
    for key, value in node.items():
        f = fields.get(key)
        if f is None or "_" in key or value is None:
            raise Unsupported  # unknown or snake_case name (duplicate spellings are checked there), null
        if f.oneof is not None:
            if oneofs is None:
                oneofs = set()
            elif f.oneof in oneofs:
                raise Unsupported  # two members of one oneof: protobuf's error
            oneofs.add(f.oneof)
        kind = f.kind
        if f.repeated:
            if type(value) is not list:
                raise Unsupported
            if not value:
                continue  # an empty repeated field is not printed
            if kind == "message":
                value = [_message(item, f.message, depth + 1) for item in value]
            else:
                value = [_scalar(f, item, repeated=True) for item in value]
        elif kind == "message":
            value = _message(value, f.message, depth + 1)
        elif kind == "string" and type(value) is str and value.isascii():
            # the commonest value, inline: an ASCII text (it cannot hold a surrogate); "" is the default
            if not value:
                continue
        else:
            value = _scalar(f, value, repeated=False)
            if value is _DEFAULT:
                continue
        out[key] = value
        if f.number < last:
            ordered = False
        last = f.number
    if ordered:
        return out
    # MessageToDict prints fields in field-number order
    return {key: out[key] for key in sorted(out, key=lambda k: fields[k].number)}


_DEFAULT = object()  # a singular scalar at its default value: not printed (proto3, no presence)


def _scalar(f: _Field, value, repeated: bool):
    kind = f.kind
    t = type(value)
    if kind == "string":
        # an ASCII string cannot hold a surrogate (isascii is a flag test): the pattern only for the others
        if t is not str or (not value.isascii() and _SURROGATE.search(value)):
            raise Unsupported
        return value if value or repeated else _DEFAULT
    if kind == "enum":
        if t is not str or value not in f.enum:
            raise Unsupported  # an enum number, or a name protobuf does not know
        return value if f.enum[value] or repeated else _DEFAULT
    if kind == "bool":
        if t is not bool:
            raise Unsupported
        return value if value or repeated else _DEFAULT
    if kind == "double":
        if t is int:
            value = float(value)
        elif t is not float or not math.isfinite(value):
            raise Unsupported
        if value == 0.0:
            if math.copysign(1.0, value) < 0:
                raise Unsupported  # -0.0 is printed by protobuf; rare, left to it
            return value if repeated else _DEFAULT
        return value
    if kind == "int":
        if t is not int or not f.bounds[0] <= value <= f.bounds[1]:
            raise Unsupported
        if not value and not repeated:
            return _DEFAULT
        return str(value) if f.as_text else value
    if kind == "timestamp":
        if t is not str or repeated:
            raise Unsupported
        return _timestamp(value)
    raise Unsupported


@lru_cache(maxsize=4096)
def _timestamp(text: str) -> str:
    """protobuf's own Timestamp parser and printer (RFC 3339, normalised to UTC 'Z')."""
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    try:
        stamp.FromJsonString(text)
        return stamp.ToJsonString()
    except (ValueError, TypeError):
        raise Unsupported from None
