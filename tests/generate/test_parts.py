"""Long articles: split at paragraphs with overlap, briefed per part, merged with offsets mapped back."""

from __future__ import annotations

import asyncio
import itertools
import re
from typing import Any

import pytest
from batch_support import QUOTE, draft_for, long_report, stub_extract

from summariser.backends.fake import FakeBackend
from summariser.errors import ContextLengthError
from summariser.generate.full import FULL_MAX_TOKENS
from summariser.generate.parts import MAX_PARTS, part_size, split_text
from summariser.load import Article, article_from_text
from summariser.pipeline import Summariser
from summariser.schema.brief import IncidentBrief
from summariser.settings import Settings


def answer_from_prompt(messages: list[dict[str, str]], response_model: type[Any]) -> dict[str, Any]:
    from batch_support import article_in

    text = article_in({"messages": messages})
    assert text is not None
    return draft_for(text)


class HeavyBackend(FakeBackend):
    """A prompt holding a 'HEAVY' paragraph in more than 1200 characters does not fit: such a part is split
    again (the sizing of parts, which renders no candidates, does not see the extra weight)."""

    def count_tokens(self, text: str) -> int:
        heavy = "HEAVY" in text and "Candidates found" in text and len(text) > 1200
        return max(1, len(text) // 4) + (10_000 if heavy else 0)


@pytest.fixture(autouse=True)
def _stub_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Summariser, "_extract", lambda self, article: stub_extract(article.text))


def summariser(
    context_window: int = FULL_MAX_TOKENS + 1500, cls: type[FakeBackend] = FakeBackend
) -> Summariser:
    backend = cls(default=answer_from_prompt, context_window=context_window, model="tiny-context")
    return Summariser(Settings.from_env(model="extractive"), backend=backend)


def check_brief(brief: IncidentBrief, text: str) -> None:
    for e in brief.all_evidence():
        assert text[e.start : e.end] == e.text
    for q in brief.quotes:
        assert q.text in text
    assert [q.id for q in brief.quotes] == [f"q{i}" for i in range(1, len(brief.quotes) + 1)]


# -- splitting ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_split_covers_everything_at_paragraph_boundaries(newline: str) -> None:
    text = long_report(30).replace("\n", newline)
    parts = split_text(text, 1200, overlap_chars=300)
    assert len(parts) > 3
    assert parts[0].start == 0 and parts[-1].end == len(text)
    for a, b in itertools.pairwise(parts):
        assert b.start <= a.end, "a gap between parts"
        assert b.start > a.start, "no progress"
        assert text[b.start - 2 * len(newline) : b.start] == newline * 2, (
            "a part does not start at a paragraph"
        )
    for p in parts:
        assert p.text == text[p.start : p.end]
        assert len(p.text) <= 1200
    assert any(b.start < a.end for a, b in itertools.pairwise(parts)), "no overlap"


def test_an_overlong_paragraph_is_cut_at_sentences_then_spaces() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200)) + " " + "x" * 900
    parts = split_text(text, 500)
    assert "".join(p.text for p in parts) == text  # no overlap requested: an exact tiling
    assert all(len(p.text) <= 500 for p in parts)
    assert all(p.text.endswith(". ") for p in parts[:5])


def test_single_newline_paragraphs() -> None:
    text = "\n".join(f"Line {i} of the report says something about the town." for i in range(60))
    parts = split_text(text, 400, overlap_chars=100)
    assert all(text[p.start - 1] == "\n" for p in parts[1:])


def test_part_size_deducts_prompt_and_answer_and_refuses_tiny_contexts() -> None:
    backend = FakeBackend(context_window=FULL_MAX_TOKENS + 1500)
    size = part_size(backend, "word " * 1000)
    assert 400 <= size < 1500 * 4
    with pytest.raises(ContextLengthError) as err:
        part_size(FakeBackend(context_window=FULL_MAX_TOKENS + 50, model="mini"), "x" * 100, "a.txt")
    assert "a.txt" in err.value.message and f"{FULL_MAX_TOKENS + 50:,}" in err.value.message


# -- briefing in parts -------------------------------------------------------------------------------------
def test_long_article_is_briefed_in_parts_by_the_pipeline() -> None:
    text = long_report(30)
    article = article_from_text(text, name="long.txt")
    s = summariser()
    brief = s.brief(article)
    check_brief(brief, text)
    assert len(s.backend.calls) > 2  # type: ignore[union-attr]
    # every paragraph's quote once, none lost at a boundary, none doubled by the overlap
    assert sorted(q.text for q in brief.quotes) == sorted(m.group(1) for m in QUOTE.finditer(text))
    assert brief.meta.source_sha256 == article.sha256
    assert "split at paragraph boundaries" in brief.meta.warnings[0]
    assert brief.meta.llm_calls == len(s.backend.calls)  # type: ignore[union-attr]
    assert brief.summary_evidence and brief.summary_evidence[0].start == 0


def test_parts_keep_windows_line_endings_and_offsets() -> None:
    text = long_report(24, seed=3).replace("\n", "\r\n")
    article = Article(text=text, name="crlf.txt")
    brief = summariser().brief(article)
    check_brief(brief, text)
    assert len(brief.quotes) == 24


def test_a_part_that_still_does_not_fit_is_split_again() -> None:
    paragraphs = long_report(16).split("\n\n")
    paragraphs[5] += " HEAVY"
    text = "\n\n".join(paragraphs)
    s = summariser(cls=HeavyBackend)
    size = part_size(s.backend, text)  # type: ignore[arg-type]
    planned = len(split_text(text, size, overlap_chars=size // 5))
    brief = s.brief(Article(text=text, name="heavy.txt"))
    check_brief(brief, text)
    assert len(brief.quotes) == 16
    found = re.search(r"into (\d+) overlapping parts", brief.meta.warnings[0])
    assert found is not None and int(found.group(1)) > planned


def test_refused_when_it_would_need_too_many_parts() -> None:
    text = long_report(MAX_PARTS * 20)  # about 13 paragraphs fit a part
    with pytest.raises(ContextLengthError) as err:
        summariser().brief(Article(text=text, name="book.txt"))
    assert f"more than {MAX_PARTS} parts" in err.value.message and "book.txt" in err.value.message


def test_a_part_that_does_not_fit_is_split_again_without_recursing() -> None:
    paragraphs = long_report(16).split("\n\n")
    paragraphs[3] += " HEAVY"
    text = "\n\n".join(paragraphs)
    backend = HeavyBackend(default=answer_from_prompt, context_window=FULL_MAX_TOKENS + 1500)
    s = Summariser(Settings.from_env(model="extractive"), backend=backend)
    brief = s.brief(Article(text=text, name="hooked.txt"))
    check_brief(brief, text)
    assert len(brief.quotes) == 16
    short = s.brief(article_from_text(long_report(1), name="short.txt"))
    assert not any("split" in w for w in short.meta.warnings)


def test_async_pipeline_briefs_in_parts() -> None:
    text = long_report(20, seed=5)
    backend = FakeBackend(default=answer_from_prompt, context_window=FULL_MAX_TOKENS + 1500)
    s = Summariser(Settings.from_env(model="extractive"), backend=backend)
    brief = asyncio.run(s.abrief(Article(text=text, name="async.txt")))
    check_brief(brief, text)
    assert len(brief.quotes) == 20
