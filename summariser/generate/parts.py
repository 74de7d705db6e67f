"""Long articles: the plan of parts an article is briefed in, and how large a part may be.

A short article is one part, the whole text. When a part's prompt does not fit the model's context (the
pipeline's own count, or the server's context error), ``PartPlan.too_long`` replaces it by smaller parts:
split on paragraph boundaries (``split_text``; a longer paragraph at sentences), overlapping by a
paragraph or two so a quote or figure cut at a boundary is whole in one of them, sized by ``part_size``
(the context minus the prompt and the answer). Nothing is ever truncated: every character is in some
part. An article that would need more than ``MAX_PARTS`` parts, or a model whose context leaves no room
for an article, is refused with a ``ContextLengthError`` that names the limit. The parts' briefs are
merged by ``grounding.merge``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..backends.base import Backend
from ..errors import ContextLengthError
from ..load import Article
from ..schema.taxonomy import EventType
from .full import FULL_MAX_TOKENS
from .prompt import render

__all__ = ["MAX_PARTS", "MIN_PART_CHARS", "Part", "PartPlan", "part_size", "split_text"]

MAX_PARTS = 64
MIN_PART_CHARS = 400  # a part is never split below this; such a part that still does not fit is refused
_ARTICLE_SHARE = 0.5  # of the room left after the prompt and the answer; the rest is for the candidates
P = TypeVar("P")


@dataclass(frozen=True)
class Part:
    """``text == whole[start:end]``."""

    start: int
    end: int
    text: str


# -- splitting ---------------------------------------------------------------------------------------------
def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Contiguous spans covering ``text``; each paragraph keeps the line breaks that follow it."""
    blank_line = r"(?:\r?\n|\r)[ \t]*(?:\r?\n|\r)"
    sep = blank_line + r"\s*" if re.search(blank_line, text) else r"(?:\r?\n|\r)\s*"
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(sep, text):
        if m.end() > pos:
            spans.append((pos, m.end()))
            pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    merged: list[tuple[int, int]] = []
    for s, e in spans:  # a whitespace-only span joins its neighbour
        if merged and (not text[merged[-1][0] : merged[-1][1]].strip() or not text[s:e].strip()):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _finer(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split one over-long paragraph: at sentence ends, then at spaces, then anywhere."""
    cuts = [m.end() for m in re.finditer(r"[.!?][\"”’')\]]*\s+", text[start:end])]
    pieces: list[tuple[int, int]] = []
    pos = start
    for c in [*(start + c for c in cuts), end]:
        if c > pos:
            pieces.append((pos, c))
            pos = c
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while e - s > max_chars:
            window = text[s : s + max_chars]
            space = max(window.rfind(" "), window.rfind("\n"))
            cut = s + space + 1 if space > max_chars // 2 else s + max_chars
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return out


def split_text(text: str, max_chars: int, overlap_chars: int = 0) -> list[Part]:
    """Parts of at most ``max_chars`` (a longer paragraph is cut at sentences), covering all of ``text``.

    Consecutive parts share whole paragraphs at their boundary, up to ``overlap_chars`` characters.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    units: list[tuple[int, int]] = []
    for s, e in _paragraph_spans(text):
        units.extend(_finer(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
    parts: list[Part] = []
    i = 0
    while i < len(units):
        start, j = units[i][0], i
        while j < len(units) and (j == i or units[j][1] - start <= max_chars):
            j += 1
        end = units[j - 1][1]
        parts.append(Part(start, end, text[start:end]))
        if j >= len(units):
            break
        k = j  # step back over whole paragraphs for the overlap, always moving forward
        while k - 1 > i and end - units[k - 1][0] <= overlap_chars:
            k -= 1
        i = k
    return parts


def _overhead_tokens(backend: Backend) -> int:

    types = [e.value for e in EventType]
    messages = render("brief", text="", candidates={}, event_types=types, feedback=None)
    return sum(backend.count_tokens(m["content"]) for m in messages)


def part_size(backend: Backend, text: str, name: str = "<text>") -> int:
    """How many characters of ``text`` one part may hold for ``backend`` (prompt and answer deducted)."""
    overhead = _overhead_tokens(backend)
    room = backend.context_window - FULL_MAX_TOKENS - overhead
    if room < 128:
        raise ContextLengthError(
            f"{name}: {backend.model} has a context of {backend.context_window:,} tokens; the prompt "
            f"({overhead:,}) and the answer ({FULL_MAX_TOKENS:,}) leave no room for the article",
            hint="use a model with a larger context, or --model extractive",
        )
    sample = text[:20000] or " "
    chars_per_token = len(sample) / max(1, backend.count_tokens(sample))
    return max(MIN_PART_CHARS, int(room * _ARTICLE_SHARE * chars_per_token))


def _too_many(article: Article, backend: Backend, max_chars: int) -> ContextLengthError:
    return ContextLengthError(
        f"{article.name}: too long for {backend.model}: {len(article.text):,} characters would need more "
        f"than {MAX_PARTS} parts of at most {max_chars:,} characters "
        f"(context {backend.context_window:,} tokens)",
        hint="use a model with a larger context, split the article, or --model extractive",
    )


class PartPlan(Generic[P]):
    """The parts of ``article`` still to brief, in text order, and the briefs of those done (``pieces``)."""

    def __init__(self, article: Article, backend: Backend) -> None:
        self.article, self.backend = article, backend
        self.queue = [Part(0, len(article.text), article.text)]
        self.size: int | None = None  # the part size once the article is split
        self.pieces: list[tuple[int, P]] = []

    @property
    def split(self) -> bool:
        return self.size is not None

    def next(self) -> tuple[Part, Article] | None:
        """The next part and the article to brief for it (the article itself while it is not split)."""
        if not self.queue:
            return None
        part = self.queue.pop(0)
        if not self.split:
            return part, self.article
        label = f"part {len(self.pieces) + 1}, characters {part.start}-{part.end}"
        # Not article_from_text: the text is already checked and reduced; it must stay exactly the same
        return part, Article(
            text=part.text,
            name=f"{self.article.name} ({label})",
            published=self.article.published,
            warnings=[],
        )

    def done(self, part: Part, piece: P) -> None:
        self.pieces.append((part.start, piece))

    def too_long(self, part: Part, error: ContextLengthError) -> None:
        """``part`` does not fit: split it (the whole article: into parts of ``part_size``)."""
        if self.size is None:
            self.size = part_size(self.backend, self.article.text, self.article.name)
            subs = split_text(part.text, self.size, overlap_chars=self.size // 5)
        else:
            if len(part.text) <= MIN_PART_CHARS:
                raise error
            self.size = min(self.size, max(MIN_PART_CHARS, len(part.text) // 2))
            subs = split_text(part.text, self.size, overlap_chars=self.size // 5)
        self.queue[0:0] = [Part(part.start + p.start, part.start + p.end, p.text) for p in subs]
        if len(self.pieces) + len(self.queue) > MAX_PARTS:
            raise _too_many(self.article, self.backend, self.size)

    def note(self) -> str:
        """The warning a split article's brief carries."""
        return (
            f"the article does not fit {self.backend.model}'s context ({self.backend.context_window:,} "
            f"tokens): it was split at paragraph boundaries into {len(self.pieces)} overlapping parts, "
            "briefed one by one and merged"
        )
