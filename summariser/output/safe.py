"""Article text made safe to show: no terminal escapes, and in Markdown nothing live.

A report can carry anything: ESC sequences that clear a terminal or retitle its window, raw HTML, links to
``javascript:`` URLs, remote images that track the reader. Every renderer passes the text it takes from a
brief through here:

* ``visible_controls(s)``: C0/C1 control characters (but tab, line feed, carriage return) become visible
  one-character symbols (ESC -> U+241B "␛"), so a string keeps its length in characters.
* ``json_safe(s)``: rendered JSON with DEL and the C1 controls, which JSON leaves raw, written as ``\\u009b``
  escapes: the data are unchanged, the bytes are inert.
* ``md_inline(s)`` / ``md_block(s)``: Markdown text that renders as the same text and nothing else:
  ``<`` is ``&lt;`` (no HTML, no autolinks), brackets and backticks are backslash-escaped (no links,
  images or code spans), line breaks become spaces (no new blocks); a block also escapes a leading marker
  (``#``, ``-``, ``>``, ``1.`` ...).
"""

from __future__ import annotations

import re

__all__ = ["json_safe", "md_block", "md_inline", "visible_controls"]

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")
_MD_SPECIAL = re.compile(r"([\\`\[\]])")
_BLOCK_START = re.compile(r"^(\s*)([#>+*=-]|\d+[.)])")


def _symbol(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # a C1 control (CSI, OSC ...): no picture of its own


def visible_controls(text: str) -> str:
    return _CONTROLS.sub(_symbol, text)


def json_safe(text: str) -> str:
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def md_inline(text: str | None) -> str:
    s = visible_controls(text or "")
    s = re.sub(r"\s*[\r\n]+\s*", " ", s)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("<", "&lt;")


def md_block(text: str | None) -> str:
    return _BLOCK_START.sub(r"\1\\\2", md_inline(text), count=1)
