"""Shared by the toll tests: a draft whose figures are checked against the text, and its toll as
``summariser.evals.toll.brief_toll`` reads a brief."""

from __future__ import annotations

import datetime as dt

from summariser.extract import extract
from summariser.schema.brief import CasualtyCategory
from summariser.schema.draft import Draft

__all__ = ["draft_of", "toll_of"]


def draft_of(text: str, published: dt.date | None = None) -> Draft:
    draft = extract(text, published=published)
    for c in draft.casualties:
        assert c.spans and text[slice(*c.spans[0])] == c.as_written
    return draft


def toll_of(draft: Draft, category: CasualtyCategory) -> int:
    """The toll, plus the largest of the suspects' own figures unless the toll already includes them."""
    figures = [c for c in draft.casualties if c.category is category]
    toll = [c for c in figures if c._toll]
    value = sum(c.count or c.count_min or 0 for c in toll)
    if any("suspect" in (c.victims or "") for c in toll):
        return value
    return value + max((c.count or 0 for c in figures if c._suspects and not c._toll), default=0)
