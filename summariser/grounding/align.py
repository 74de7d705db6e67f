"""Align strings to character offsets in a source text: exact, normalised, then fuzzy.

``normalise`` folds typographic quotes, dashes, and runs of white space, and casefolds. An
``Aligner`` keeps the normalised source and a map from each normalised character back to the source,
so a match found in normalised space maps back to offsets that slice the original text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from ..schema.brief import Alignment

__all__ = ["Aligner", "Match", "fold_char", "normalise"]

_FOLD = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "\u00b4": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2026": ".",
}
_WS = re.compile(r"\s+")


def fold_char(ch: str) -> str:
    ch = _FOLD.get(ch, ch)
    if ch.isspace():
        return " "
    return ch.casefold() if len(ch.casefold()) == 1 else ch.lower()


_FOLD_TABLE = str.maketrans(_FOLD)


@functools.lru_cache(maxsize=65536)
def normalise(s: str) -> str:
    """Normalise a string the way the source is normalised (quotes, dashes, spaces, case)."""
    s = unicodedata.normalize("NFC", s).translate(_FOLD_TABLE)
    out = s.lower() if s.isascii() else "".join(fold_char(c) for c in s)  # ASCII: casefold == lower
    return _WS.sub(" ", out).strip()


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    alignment: Alignment
    score: float = 100.0


class Aligner:
    """Finds strings in one source text. Build once per text; ``find`` is cheap."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        index: list[int] = []
        prev_space = True  # drops leading white space
        for i, c in enumerate(text):
            f = fold_char(c)
            if f == " ":
                if prev_space:
                    continue
                prev_space = True
            else:
                prev_space = False
            chars.append(f)
            index.append(i)
        self.norm = "".join(chars)
        self._index = index

    def _to_source(self, nstart: int, nend: int) -> tuple[int, int]:
        start = self._index[nstart]
        end = self._index[nend - 1] + 1
        # trim white space that normalisation folded in at the edges
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return start, end

    def find_all(self, needle: str) -> list[Match]:
        """Every exact occurrence, else every normalised occurrence."""
        needle_s = needle.strip()
        if not needle_s:
            return []
        found = [
            Match(m.start(), m.end(), Alignment.EXACT) for m in re.finditer(re.escape(needle_s), self.text)
        ]
        if found:
            return found
        n = normalise(needle_s)
        if not n:
            return []
        out = []
        for m in re.finditer(re.escape(n), self.norm):
            s, e = self._to_source(m.start(), m.end())
            out.append(Match(s, e, Alignment.NORMALISED))
        return out

    def find(
        self,
        needle: str,
        *,
        near: int | None = None,
        fuzzy: bool = True,
        min_score: float = 90.0,
        word_bounded: bool = False,
    ) -> Match | None:
        """Best occurrence of ``needle``: exact, then normalised, then fuzzy (score >= ``min_score``).

        ``near`` picks, among several occurrences, the one closest to that offset.
        ``word_bounded`` rejects matches inside a longer word (for names and numbers).
        """
        found = self.find_all(needle)
        if word_bounded:
            found = [m for m in found if self._bounded(m)]
        if found:
            if near is None:
                return found[0]
            return min(found, key=lambda m: abs(m.start - near))
        if not fuzzy:
            return None
        return self._fuzzy(needle, min_score)

    def _bounded(self, m: Match) -> bool:
        before = self.text[m.start - 1] if m.start > 0 else " "
        after = self.text[m.end] if m.end < len(self.text) else " "
        return not (before.isalnum() or after.isalnum())

    def _fuzzy(self, needle: str, min_score: float) -> Match | None:
        from rapidfuzz import fuzz

        n = normalise(needle)
        if len(n) < 8 or not self.norm:
            return None
        res = fuzz.partial_ratio_alignment(n, self.norm, score_cutoff=min_score)
        if res is None or res.dest_end <= res.dest_start:
            return None
        # the aligned stretch must be about as long as the needle: no matching a phrase to a paragraph
        length = res.dest_end - res.dest_start
        if not 0.8 * len(n) <= length <= 1.25 * len(n):
            return None
        s, e = self._to_source(res.dest_start, res.dest_end)
        if e <= s:
            return None
        return Match(s, e, Alignment.FUZZY, float(res.score))
