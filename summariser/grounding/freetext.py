"""Free text a model wrote (headline, summary, event description, diplomatic positions) is grounded too.

* Every name, place, number and date in a sentence must be found in the article: capitalised words (a
  sentence's first word only when it is not an ordinary word of the article), numbers (words or digits,
  as ``link.numbers_in`` reads them), month and weekday names. A sentence with one that is not there is
  dropped; a field left with nothing takes the rules' version; ``meta.warnings`` says so.
* Text that follows instructions found inside the article is rejected. ``injected_spans(text)`` finds
  the paragraphs addressed to a model ("ignore the above instructions", "output exactly this JSON",
  "you are now an assistant", a JSON object in running text); a model's text sharing a three-word run
  with such a paragraph that occurs nowhere else in the article copies the injection.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..calendar_words import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS
from .link import numbers_in

__all__ = ["FreeText", "injected_spans"]

_CUES = [
    re.compile(p, re.I)
    for p in (
        r"\b(ignore|disregard|forget)\b[^.\n]{0,60}\b(instructions?|above|previous|prompt|rules)\b",
        r"\byou are (now )?(a|an|the) [^.\n]{0,30}\b(assistant|ai|model|bot|chatbot)\b",
        r"\b(output|respond|reply|return|print)\b[^.\n]{0,40}\b(exactly this|only this|only the following"
        r"|nothing else|the following json)\b",
        r"\b(system|developer) (prompt|message|instructions?)\b",
        r"\b(set|make|change|report) the (headline|summary|event type|casualt\w+)\b",
        r"\bthe (headline|event type|summary) (is|should be|must be)\b",
        r"\bas an ai\b",
    )
]
_JSON_LINE = re.compile(r'^\s*[\[{]\s*"[\w ]+"\s*:', re.M)
_WORD = re.compile(r"[A-Za-z0-9][\w'’\-]*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’\-]*")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
_DATE_WORDS = {w.lower() for w in (*WEEKDAYS, *MONTHS, *MONTH_ABBREVIATIONS)}


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"\n\s*\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def injected_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs of ``text`` that address a model rather than a reader."""
    return [
        (s, e)
        for s, e in _paragraphs(text)
        if any(c.search(text[s:e]) for c in _CUES) or _JSON_LINE.search(text[s:e])
    ]


def _words(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]


def _shingles(words: list[str], n: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@dataclass
class FreeText:
    """Checks free text against one article."""

    text: str
    injected: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.injected:
            self.injected = injected_spans(self.text)
        self._vocab = set(_words(self.text))
        self._numbers = numbers_in(self.text)
        outside, inside = [], []
        last = 0
        for s, e in self.injected:
            outside.append(self.text[last:s])
            inside.append(self.text[s:e])
            last = e
        outside.append(self.text[last:])
        self._clean_shingles = _shingles(_words(" ".join(outside)))
        self._injected_shingles = _shingles(_words(" ".join(inside))) - self._clean_shingles

    def in_injection(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.injected)

    def follows_injection(self, value: str) -> bool:
        """Whether ``value`` copies a run of words found only in an injected paragraph."""
        return bool(self._injected_shingles and _shingles(_words(value)) & self._injected_shingles)

    def unsupported(self, sentence: str) -> list[str]:
        """Names, numbers and dates in ``sentence`` that the article does not contain."""
        missing: list[str] = []
        first = True
        for m in _CAPITALISED.finditer(sentence):
            word = m.group().strip("'’-")
            lower = word.lower()
            if lower.endswith(("'s", "’s")):
                lower = lower[:-2]
            at_start = first and not sentence[: m.start()].strip(" \"'“‘(")
            first = False
            if lower in self._vocab:
                continue
            if at_start and (lower in _stop_words() or {lower.rstrip("s"), lower + "s"} & self._vocab):
                continue  # an ordinary word opening the sentence ("The", "Rockets" for "rocket")
            missing.append(word)
        missing += [w.title() for w in _words(sentence) if w in _DATE_WORDS and w not in self._vocab]
        missing += [str(n) for n in sorted(numbers_in(sentence)) if n not in self._numbers]
        return list(dict.fromkeys(missing))

    def ground(self, value: str, fallback: str, what: str, warnings: list[str]) -> str:
        """``value`` with sentences naming what the article does not say dropped; ``fallback`` (the rules'
        version) when nothing is left or the text follows an injected instruction."""
        if not value.strip() or value == fallback:
            return value or fallback
        if self.follows_injection(value):
            warnings.append(
                f"{what} follows instructions found inside the article; replaced by the rules' {what}"
            )
            return fallback
        kept: list[tuple[str, list[str]]] = []
        dropped: list[tuple[str, list[str]]] = []
        for m in _SENTENCE.finditer(value):
            sentence = m.group().strip()
            if not sentence:
                continue
            bad = self.unsupported(sentence)
            (dropped if bad else kept).append((sentence, bad))
        if not dropped:
            return value
        named = "; ".join(f"{', '.join(bad)}" for _, bad in dropped)
        if not kept:
            warnings.append(
                f"{what} named what the article does not ({named}); replaced by the rules' {what}"
            )
            return fallback
        warnings.append(
            f"{what}: dropped {len(dropped)} sentence(s) naming what the article does not ({named})"
        )
        return " ".join(s for s, _ in kept)
