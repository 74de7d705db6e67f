"""The event's toll as a brief states it (scored by ``summariser.evals.metrics.TollEvaluator``)."""

from __future__ import annotations

import re

from ..schema.brief import CasualtyCategory, CasualtyFigure, IncidentBrief

__all__ = ["brief_toll"]

_SUSPECT_WORDS = re.compile(r"\b(?:suspects?|gunm[ae]n|shooters?|attackers?|assailants?)\b", re.I)


def _figure_value(c: CasualtyFigure) -> int:
    if c.count is not None:
        return c.count
    return c.count_min if c.count_min is not None else c.count_max or 0


def brief_toll(brief: IncidentBrief, category: CasualtyCategory) -> int:
    """The brief's toll of ``category``: its figures marked ``toll`` (one, or the parts of one event) plus
    the largest of the suspects' figures counted apart, unless the toll's victims already include them
    (GVA counts a suspect killed as a death); a brief with no such figure says 0."""
    figures = [c for c in brief.casualties if c.category == category]
    toll = [c for c in figures if c.toll]
    if any(_SUSPECT_WORDS.search(c.victims or "") for c in toll):
        return sum(map(_figure_value, toll))  # "four dead, including the gunman"
    # the suspects' figures are mentions of the same people ("the gunman was killed", "the slain suspect"):
    # the largest of them, not their sum
    suspects = [_figure_value(c) for c in figures if c.suspects and not c.toll]
    return sum(map(_figure_value, toll)) + max(suspects, default=0)
