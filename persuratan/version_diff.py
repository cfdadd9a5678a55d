"""Two versions of a draft side by side as one text: what was removed, what was added, word by word."""

import difflib
import html
import re
from dataclasses import dataclass

import nh3

_BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|tr|h\d)>", re.IGNORECASE)
_TOKEN = re.compile(r"\n|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "removed" or "added"
    words: list[str | None]  # None where a line ends


def _words(body_html: str) -> list[str | None]:
    """The words of a body, with None where a paragraph, list item or row ended."""
    text = html.unescape(nh3.clean(_BLOCK_END.sub("\n", body_html), tags=set()))
    return [None if token == "\n" else token for token in _TOKEN.findall(text)]


def compare(old_html: str, new_html: str) -> list[Segment]:
    old, new = _words(old_html), _words(new_html)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", old[i1:i2]))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment("removed", old[i1:i2]))
        if op in ("insert", "replace"):
            segments.append(Segment("added", new[j1:j2]))
    return segments
