"""A patient key as one URL path segment, for any key the registry accepts.

Percent-encoding alone is not enough: the server decodes ``%2F`` to ``/`` before routing (so a key holding ``/``
would split into two segments), and browsers resolve ``.`` and ``..`` (and their percent-encoded forms) as dot
segments before sending (so a key ``..`` would open the parent page). Hence a small escape first, then
percent-encoding: ``~`` -> ``~7E``, ``/`` -> ``~2F``, ``%`` -> ``~25`` (so a client or proxy that decodes the path
twice — Starlette's TestClient does — still reads the same key), and a key that is a dot segment or a fixed page name under
/patients (``new``) has its first character written ``~XX`` (hex of the character). The route converter ``key``
(``{patient_key:key}``) undoes it: ``~XX`` -> that character. The key is only ever looked up in the database,
never used as a file path.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.convertors import Convertor, register_url_convertor

RESERVED = frozenset({".", "..", "new"})  # would be a dot segment or another page
_ESCAPED = re.compile(r"~([0-9A-Fa-f]{2})")


def key_segment(key: str) -> str:
    """The URL path segment of a patient key (already percent-encoded: put it in a link as it is)."""
    key = str(key)
    text = key.replace("~", "~7E").replace("/", "~2F").replace("%", "~25")
    if key in RESERVED:
        text = f"~{ord(key[0]):02X}" + text[1:]
    return quote(text, safe="~")


def key_of_segment(segment: str) -> str:
    """The patient key of a (percent-decoded) path segment."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), segment)


class PatientKeyConvertor(Convertor):
    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return key_of_segment(value)

    def to_string(self, value: str) -> str:
        return key_segment(value)


register_url_convertor("key", PatientKeyConvertor())


def attachment(filename: str) -> str:
    """A Content-Disposition header for a download named after a patient key: headers are Latin-1, keys may be any
    text, so an ASCII name for old clients and the exact name in RFC 6266's ``filename*``."""
    plain = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
