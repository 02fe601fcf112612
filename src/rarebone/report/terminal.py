"""Patient text must not drive the terminal: escape sequences (ESC [ ... colour, cursor moves, title changes,
OSC 8 links) and other control characters are removed from every text document rarebone writes. Newline and tab
stay, and a CR only as part of CRLF (iCalendar lines end in CRLF, RFC 5545)."""

from __future__ import annotations

import re

# C0 controls except TAB and LF, a CR not followed by LF, DEL, and the C1 controls (U+0080-U+009F, e.g. CSI U+009B).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]|\r(?!\n)")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text)
