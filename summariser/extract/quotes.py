"""Direct quotes: find the quoted stretches and group them into quotes.

Handles straight and curly double quotes, a quote running over several paragraphs (no closing mark at
the paragraph end and a new opening mark at the start of the next), a quote interrupted by an
attribution ("A," he added, "B.") and skips scare quotes (a few words that are not speech).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .nlp import Analysis

__all__ = [
    "REPORTING_VERBS",
    "VERB_RE",
    "RawQuote",
    "Segment",
    "find_quotes",
    "find_segments",
    "in_reported_speech",
]

_OPEN = "“„«"
_CLOSE = "”»"
_MARKS = re.compile(r'["“”„«»]')

REPORTING_VERBS = tuple(
    w
    for w in """
said|says|say|saying|added|adds|told|tells|stressed|stresses|noted|notes|explained|explains|insisted|
insists|argued|argues|wrote|writes|stated|states|declared|declares|continued|continues|asked|asks|
replied|replies|responded|responds|answered|warned|warns|claimed|claims|recalled|recalls|remarked|
tweeted|tweets|posted|announced|announces|acknowledged|admitted|admits|conceded|complained|complains|
suggested|suggests|observed|pointed out|went on|goes on|joked|jokes|quipped|concluded|emphasized|
emphasised|exclaimed|shouted|urged|urges|predicted|predicts|cautioned|countered|agreed|affirmed|
contended|boasted|boasts|mused|lamented|reported|reports|wrote in|testified|charged|vowed|promised|
pledged|demanded|proclaimed|chimed in|hinted|speculated|according to|recounted|elaborated|
confirmed|denied|alleged|maintained|opined|ranted|described|describes|called|calls|calling|dubbed|
labeled|labelled|termed|branded|characterized|characterised|touted|accused|
criticized|criticised|mocked|praised|referred to|defended|questioned|cited|deemed|asserted|
reiterated|denounced|condemned|wondered|added that|telling|adding|noting|arguing|writing|explaining|
insisting|warning|declaring|promising|vowing|asking|calling on|called on|called for|pledging|citing|
describing
""".replace("\n", "").split("|")
    if w
)
_VERB_ALTERNATIVES = "|".join(re.escape(v) for v in sorted(set(REPORTING_VERBS), key=len, reverse=True))
VERB_RE = re.compile(  # not inside a compound: "so-called", "self-described"
    r"(?<![\w-])(?:" + _VERB_ALTERNATIVES + r")\b",
    re.IGNORECASE,
)
_ATTRIBUTION_ONLY = re.compile(r"^[\s,:;—–-]*[^\"“”]{0,120}?$")


@dataclass
class Segment:
    """One quoted stretch: ``text[start:end]`` is the inner text; ``open``/``close`` the mark offsets."""

    start: int
    end: int
    open: int
    close: int | None  # None: the quote runs to the end of the paragraph without a closing mark


@dataclass
class RawQuote:
    segments: list[Segment] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.segments[0].open

    @property
    def end(self) -> int:
        last = self.segments[-1]
        return (last.close + 1) if last.close is not None else last.end

    def text(self, article: str) -> str:
        return " ".join(article[s.start : s.end] for s in self.segments)

    def spans(self) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in self.segments]

    def ranges(self) -> list[tuple[int, int]]:
        """Each segment with its quotation marks (the attribution between segments is not quoted)."""
        return [(s.open, s.close + 1 if s.close is not None else s.end) for s in self.segments]


def _is_open(text: str, i: int, inside: bool) -> bool:
    ch = text[i]
    if ch in _OPEN:
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if ch in _CLOSE:  # a closing mark typed as an opening one: '”Fear. I am afraid.”'
        return not inside and (i == 0 or before in "\n") and not after.isspace()
    if before.isspace() or before in "([—–-:" or i == 0:
        return not after.isspace()
    if after.isspace() or after in ".,;:!?)—–-" or i + 1 == len(text):
        return False
    return not inside


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def find_segments(text: str) -> list[list[Segment]]:
    """Quoted stretches, grouped where a quote runs on over a paragraph break."""
    groups: list[list[Segment]] = []
    carry: list[Segment] | None = None  # a quote left open at the previous paragraph's end
    for para in re.finditer(r"[^\n]+", text):
        ps, pe = para.start(), para.end()
        marks = [m.start() for m in _MARKS.finditer(text, ps, pe)]
        first_text = ps + len(para.group()) - len(para.group().lstrip())
        if carry is not None and not (marks and marks[0] == first_text and _is_open(text, marks[0], False)):
            groups.append(carry)  # unclosed, and the next paragraph does not continue it
            carry = None
        open_at: int | None = None
        for i in marks:
            opening = _is_open(text, i, open_at is not None)
            if opening and open_at is None:
                open_at = i
            elif opening and open_at is not None and text[i] in _OPEN:
                open_at = i  # a stray opening mark: restart here
            elif not opening and open_at is not None:
                s, e = _trim(text, open_at + 1, i)
                seg = Segment(s, e, open_at, i)
                if carry is not None:
                    carry.append(seg)
                    groups.append(carry)
                    carry = None
                elif e > s:
                    groups.append([seg])
                open_at = None
        if open_at is not None:
            s, e = _trim(text, open_at + 1, pe)
            seg = Segment(s, e, open_at, None)
            if carry is not None:
                carry.append(seg)
            else:
                carry = [seg]
        elif carry is not None:
            groups.append(carry)
            carry = None
    if carry is not None:
        groups.append(carry)
    return groups


def _words(s: str) -> int:
    return len(re.findall(r"[\w'’-]+", s))


def _attribution_between(text: str, a: Segment, b: Segment) -> bool:
    """True when only an attribution ("he added", ", said Smith.") stands between two segments."""
    if a.close is None or not 0 <= b.open - a.close <= 160:
        return False
    between = text[a.close + 1 : b.open]
    if "\n" in between:
        return False
    if not between.strip():
        return True
    if not _ATTRIBUTION_ONLY.match(between) or _words(between) > 14:
        return False
    return bool(VERB_RE.search(between)) and between.rstrip()[-1:] in ",.:;—–-"


def _has_own_attribution(text: str, seg: Segment) -> bool:
    if seg.close is None:
        return False
    after = text[seg.close + 1 : seg.close + 120].split("\n")[0]
    after = re.split(r"[.!?;]|[\"“”]", after)[0]
    return bool(VERB_RE.search(after)) and _words(after) <= 14


def _is_scare_quote(text: str, quote: RawQuote) -> bool:
    """A short quoted phrase that is not speech: few words, no sentence punctuation, no attribution."""
    if len(quote.segments) > 1:
        return False
    seg = quote.segments[0]
    inner = text[seg.start : seg.end]
    n = _words(inner)
    if n > 4:
        return False
    if n == 0:
        return True
    if inner.rstrip()[-1:] in ".?!" and n >= 2:
        return False
    if seg.close is not None and inner.rstrip().endswith(",") and _has_own_attribution(text, seg):
        return False
    before = text[max(0, seg.open - 40) : seg.open]
    return not re.search(r"(?:said|says|told|added|asked|replied|wrote|tweeted)\s*[:,]?\s*$", before)


_TITLE_BEFORE = re.compile(r"\b(?:on|told|to)\s+(?:[A-Z][\w.&]*(?:'s|’s)\s+|the\s+)?$")
_TITLE_AFTER = re.compile(
    r"[,.]?\s+(?:show|program|programme|broadcast|host|anchor|interview|series|podcast|film|documentary|"
    r"book|song|album|forum|event)\b"
)
_MINOR = frozenset({"of", "the", "and", "in", "on", "a", "an", "to", "for", "at", "with"})


def _is_title(text: str, quote: RawQuote) -> bool:
    """A programme or work named in quotation marks ('appeared on "Face the Nation"', '"Morning Joe" host'):
    every word capitalised, after "on"/"told" or before "show", "host", "program" ...; slogans stay."""
    if len(quote.segments) > 1:
        return False
    seg = quote.segments[0]
    inner = text[seg.start : seg.end].strip().rstrip(".,")
    words = inner.split()
    if not 1 <= len(words) <= 6 or inner[-1:] in "!?" or not words[0][:1].isupper():
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w in _MINOR for w in words):
        return False
    end = seg.close + 1 if seg.close is not None else seg.end
    return bool(_TITLE_BEFORE.search(text, max(0, seg.open - 40), seg.open) or _TITLE_AFTER.match(text, end))


def _continues(text: str, prev: RawQuote, seg: Segment) -> bool:
    """Does ``seg`` continue ``prev`` after an interruption like "he added"?"""
    if not _attribution_between(text, prev.segments[-1], seg) or _has_own_attribution(text, seg):
        return False
    inner = text[seg.start : seg.end].rstrip()
    return _words(inner) > 4 or inner[-1:] in ".?!"


def find_quotes(text: str, speech: Callable[[int, int], bool] | None = None) -> list[RawQuote]:
    """Direct quotes in document order, scare quotes dropped, interrupted quotes joined.

    ``speech(start, end)`` says whether a short quoted phrase stands in reported speech (a reporting
    verb in its sentence: 'Clinton called him "unhinged"'); such partial quotes are kept.
    """
    quotes: list[RawQuote] = []
    for group in find_segments(text):
        segs = [s for s in group if s.end > s.start]
        if not segs:
            continue
        if quotes and len(segs) == 1 and _continues(text, quotes[-1], segs[0]):
            quotes[-1].segments.append(segs[0])
            continue
        quotes.append(RawQuote(segs))
    kept = [
        q
        for q in quotes
        if not _is_title(text, q)
        and (not _is_scare_quote(text, q) or (speech is not None and speech(q.start, q.end)))
    ]
    for q in kept:  # a trailing comma belongs to the sentence, not to the quote
        last = q.segments[-1]
        while last.end > last.start and text[last.end - 1] in ",;:":
            last.end -= 1
    return kept


def in_reported_speech(an: Analysis, start: int, end: int) -> bool:
    """A reporting verb (tagged as a verb) in the sentence around ``text[start:end]``, outside the quote."""
    s, e = an.sentence_at(start)
    s, e = min(s, start), max(e, end)
    for m in VERB_RE.finditer(an.text, s, e):
        if start <= m.start() < end:
            continue
        tag = an.tag_at(m.start())
        if tag.startswith("VB") or m.group().lower() == "according to":
            return True
    return False
