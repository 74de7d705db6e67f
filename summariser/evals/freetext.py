"""Free-text metrics: key-point coverage and ROUGE.

Key-point coverage. A key point is *covered* by a text when at least ``COVERAGE_THRESHOLD`` (60%) of its
content words occur among the text's content words. Content words are Unicode word tokens (quotes,
dashes, case and accents folded), stop words dropped, number words up to twenty written as digits
("three" = "3"), and a light stemmer applied (strip -ings/-ing/-ed/-es/-s/-ly, then a final -e:
"strikes" = "strike", "killed" = "killing"). Coverage is the share of key points covered.

ROUGE-1/2/L F-measure comes from ``rouge-score`` with ``UnicodeTokenizer``: rouge_score's default
tokenizer drops every non-ASCII letter, so "Maarat" survives but "Ma'arrat"/"Düsseldorf" would not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from rouge_score import rouge_scorer

from .matching import word_tokens

__all__ = [
    "COVERAGE_THRESHOLD",
    "NUMBERS",
    "UnicodeTokenizer",
    "content_words",
    "coverage",
    "covered",
    "rouge",
]

COVERAGE_THRESHOLD = 0.6

_STOP = frozenset(
    """a an the and or but of in on at to for from by with as is are was were be been being has have had it
    its this that these those which who whom whose what when where while after before into over under about
    than then there their they them he she his her him we our you your i me my not no so such also said says
    say will would could should may might can do does did up out off per via amid""".split()  # noqa: SIM905
)
_NUMBER_WORDS = """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty"""
NUMBERS = {w: str(i) for i, w in enumerate(_NUMBER_WORDS.split())}
"""Number words as digits ("three" -> "3")."""
_SUFFIXES = ("ings", "ing", "ed", "es", "s", "ly")


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=16384)
def _stem(token: str) -> str:
    if token.isdigit():
        return token
    token = NUMBERS.get(token, token)
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            token = token[: -len(suffix)]
            break
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return token


def content_words(text: str) -> set[str]:
    """Stemmed content words of ``text`` (see the module docstring)."""
    return {_stem(_strip_accents(t)) for t in word_tokens(text) if t not in _STOP}


def covered(point: str, text_words: set[str], threshold: float = COVERAGE_THRESHOLD) -> bool:
    words = content_words(point)
    if not words:
        return True
    return len(words & text_words) / len(words) >= threshold


def coverage(points: Sequence[str], text: str, threshold: float = COVERAGE_THRESHOLD) -> float | None:
    """Share of ``points`` covered by ``text``; None when there are no key points."""
    if not points:
        return None
    words = content_words(text)
    return sum(covered(p, words, threshold) for p in points) / len(points)


class UnicodeTokenizer:
    """A rouge_score tokenizer that keeps letters of every script (lower-cased, accents kept)."""

    def tokenize(self, text: str) -> list[str]:
        return word_tokens(text)


_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=UnicodeTokenizer())


def rouge(reference: str, prediction: str) -> dict[str, float]:
    """ROUGE-1/2/L F-measures of ``prediction`` against ``reference``."""
    result = _SCORER.score(reference, prediction)
    return {name: float(score.fmeasure) for name, score in result.items()}
