"""Matching predicted items to golden ones: names, quotes, one-to-one assignment.

Names. ``name_tokens`` folds accents, quotes and case, splits on spaces/hyphens, drops dots and
apostrophes inside tokens, and removes particles (al-, el-, ad-, de, da, van, von, bin, ibn, ben, ...),
honorifics and titles (Mr., Dr., President, spokesman ...) and the stop words "the/of/for/and".
Two tokens are equivalent when equal, when their consonant skeletons agree (3+ consonants, same first
letter, and ``rapidfuzz`` ratio >= 65: "Mohammed"/"Muhammad", "Maaret"/"Maarat", "Numan"/"Noaman", but not
"Hassan"/"Hussein") or when the ratio is >= 85 on tokens of 5+ letters ("Qaddafi"/"Gaddafi").
``name_similarity`` is 1.0 for equivalent token sets, 0.9 when one name's tokens are a subset of the
other's including its last token ("al-Meslet" ~ "Salem al-Meslet"), 0.7 for another subset ("Riyad" ~
"Riyad Hijab"), 0.9 for an acronym of the other ("HNC" ~ "High Negotiations Committee"), else 0. A
conflicting given name is never a subset: "Ahmed al-Meslet" !~ "Salem al-Meslet".

Assignment. ``assign`` pairs rows and columns one-to-one maximising the summed score with
``scipy.optimize.linear_sum_assignment`` and keeps pairs at or above a threshold.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from ..grounding.align import Aligner, normalise

__all__ = [
    "NAME_THRESHOLD",
    "assign",
    "entity_similarity",
    "found_verbatim",
    "match_entities",
    "name_similarity",
    "name_tokens",
    "normalise_quote",
    "token_f1",
    "tokens_equivalent",
    "word_tokens",
]

NAME_THRESHOLD = 0.5


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PARTICLES = _words(
    "al el ad an ar as ash at az ud ul da de del della der di du la le van von ten ter bin ibn ben bint"
)
HONORIFICS = _words(
    """mr mrs ms miss dr prof sir madam sen senator rep gov governor gen general lt col colonel maj major capt
    captain sgt cmdr president vice prime minister secretary spokesman spokeswoman spokesperson sheikh imam
    king queen prince princess pope rev hon mp st"""
)
STOP = frozenset({"the", "of", "for", "and", "a", "an", "on", "in"})
_VARIANTS = {
    "mohammed": "muhammad",
    "mohammad": "muhammad",
    "muhammed": "muhammad",
    "mohamed": "muhammad",
    "mohamad": "muhammad",
    "muhamed": "muhammad",
    "mehmet": "muhammad",
    "mohd": "muhammad",
}
_VOWELS = frozenset("aeiouy")
_QUOTE_EDGES = "\"' ,.;:“”‘’«»„"
_MIN_PIECE_WORDS = 3

T = TypeVar("T")
U = TypeVar("U")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", normalise(s))
    return "".join(c for c in s if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def _raw_tokens(name: str) -> tuple[str, ...]:
    s = _fold(name)
    s = re.sub(r"['’]s\b", "", s)  # possessive
    s = re.sub(r"(?<=\w)[.'](?=\w)", "", s)  # U.S. -> us, Ma'arrat -> maarrat
    return tuple(t for t in re.split(r"[^\w]+", s) if t)


@lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[str, ...]:
    """Content tokens of a name (particles, titles and stop words dropped; all kept if nothing is left)."""
    raw = _raw_tokens(name)
    kept = tuple(
        _VARIANTS.get(t, t) for t in raw if t not in PARTICLES and t not in HONORIFICS and t not in STOP
    )
    return kept or tuple(_VARIANTS.get(t, t) for t in raw)


@lru_cache(maxsize=8192)
def _skeleton(token: str) -> str:
    if not token:
        return ""
    out = token[0]
    for c in token[1:]:
        if c in _VOWELS or (c == "h" and out[-1] in "kgsdt") or c == out[-1]:
            continue
        out += c
    return out


@lru_cache(maxsize=16384)
def tokens_equivalent(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.isdigit() or b.isdigit():
        return False
    sa, sb = _skeleton(a), _skeleton(b)
    ratio = fuzz.ratio(a, b)
    if len(sa) >= 3 and sa == sb and ratio >= 65:  # the ratio keeps "Hassan" apart from "Hussein"
        return True
    return min(len(a), len(b)) >= 5 and ratio >= 85


def _covers(short: Sequence[str], long: Sequence[str]) -> list[int] | None:
    """Indices of ``long`` matched one-to-one by every token of ``short``, or None."""
    used: list[int] = []
    for t in short:
        j = next((j for j, u in enumerate(long) if j not in used and tokens_equivalent(t, u)), None)
        if j is None:
            return None
        used.append(j)
    return used


def _acronym(a: Sequence[str], b_name: str) -> bool:
    if len(a) != 1 or not 2 <= len(a[0]) <= 6:
        return False
    raw = _raw_tokens(b_name)
    if len(raw) < 2:
        return False
    initials = {"".join(t[0] for t in raw), "".join(t[0] for t in raw if t not in STOP)}
    return a[0] in initials


def name_similarity(a: str, b: str) -> float:
    """How well name ``a`` matches name ``b`` (symmetric), in [0, 1]; see the module docstring."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0
    if _acronym(ta, b) or _acronym(tb, a):
        return 0.9
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    used = _covers(short, long)
    if used is None:
        return 0.0
    if len(short) == len(long):
        return 1.0
    return 0.9 if len(long) - 1 in used else 0.7


def entity_similarity(pred: Sequence[str], gold: Sequence[str]) -> float:
    """Best ``name_similarity`` between any variant (name or alias) of each side."""
    return max((name_similarity(p, g) for p in pred if p for g in gold if g), default=0.0)


def assign(scores: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (row, col, score) maximising the total score, keeping scores >= threshold."""
    if scores.size == 0:
        return []
    masked = np.where(scores >= threshold, scores, 0.0)
    rows, cols = linear_sum_assignment(masked, maximize=True)
    return [
        (int(r), int(c), float(scores[r, c]))
        for r, c in zip(rows, cols, strict=False)
        if scores[r, c] >= threshold
    ]


def match_entities(
    pred: Sequence[T],
    gold: Sequence[U],
    score: Callable[[T, U], float],
    threshold: float = NAME_THRESHOLD,
) -> list[tuple[int, int, float]]:
    """``assign`` over the matrix ``score(pred[i], gold[j])``."""
    matrix = np.zeros((len(pred), len(gold)))
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            matrix[i, j] = score(p, g)
    return assign(matrix, threshold)


def normalise_quote(text: str) -> str:
    """Quotes, dashes, white space and case folded; quotation marks and , . ; : at the edges dropped."""
    return normalise(text).strip(_QUOTE_EDGES)


def word_tokens(text: str) -> list[str]:
    """Unicode word tokens of normalised text (letters of any script and digits)."""
    return re.findall(r"[^\W_]+", normalise(text))


def token_f1(a: str, b: str) -> float:
    """Token-level F1 of two texts (multiset overlap), 1.0 when both are empty."""
    ta, tb = Counter(word_tokens(a)), Counter(word_tokens(b))
    na, nb = sum(ta.values()), sum(tb.values())
    if na == 0 and nb == 0:
        return 1.0
    overlap = sum((ta & tb).values())
    return 2 * overlap / (na + nb) if na + nb else 0.0


def found_verbatim(aligner: Aligner, text: str, *, max_pieces: int = 6) -> bool:
    """True when ``text`` occurs in the source as written, up to quotation marks, dashes, white space and
    case: whole, or as up to ``max_pieces`` consecutive pieces of 3+ words each (an interrupted quote is its
    segments joined by spaces). No fuzzy matching."""
    if not text.strip(_QUOTE_EDGES):
        return False
    if aligner.find_all(text.strip(_QUOTE_EDGES)):
        return True
    words = text.split()
    shortest = min(_MIN_PIECE_WORDS, len(words))
    pieces = 0
    while words:
        if pieces == max_pieces:
            return False
        lo, hi = 0, len(words)  # longest prefix found: finding is monotone in prefix length
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if aligner.find_all(" ".join(words[:mid]).strip(_QUOTE_EDGES)):
                lo = mid
            else:
                hi = mid - 1
        if lo < shortest:  # no matching a quote word by word
            return False
        words = words[lo:]
        pieces += 1
    return True
