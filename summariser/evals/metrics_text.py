"""Evaluators of quoted and free text, and of grounding: quotes, discrepancies, diplomatic context,
summary, grounding (the conventions are in the docstring of ``metrics``, which re-exports them)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..schema.brief import Alignment, Discrepancy, IncidentBrief, Quote
from .freetext import NUMBERS, coverage, rouge
from .matching import (
    NAME_THRESHOLD,
    entity_similarity,
    found_verbatim,
    match_entities,
    normalise_quote,
    token_f1,
    word_tokens,
)
from .metric_base import FieldResult, aligner_for
from .models import Case, GoldDiscrepancy

__all__ = [
    "DiplomaticEvaluator",
    "DiscrepanciesEvaluator",
    "GroundingEvaluator",
    "QuotesEvaluator",
    "SummaryEvaluator",
    "quote_is_verbatim",
]


def quote_is_verbatim(article: str, quote: Quote) -> bool:
    """The quote's evidence reproduces it (non-fuzzy spans that slice the article and, joined, give the
    quote), or ``found_verbatim`` finds its text in the article."""
    spans = quote.evidence
    if (
        spans
        and all(
            e.alignment != Alignment.FUZZY and e.end <= len(article) and article[e.start : e.end] == e.text
            for e in spans
        )
        and normalise_quote(" ".join(e.text for e in spans)) == normalise_quote(quote.text)
    ):
        return True
    return found_verbatim(aligner_for(article), quote.text)


class QuotesEvaluator:
    name = "quotes"

    def __init__(self, min_token_f1: float = 0.5) -> None:
        self.min_token_f1 = min_token_f1

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        pred, gold, res = brief.quotes, case.golden.quotes, FieldResult()
        n_p, n_g = len(pred), len(gold)
        exact = match_entities(
            pred, gold, lambda p, g: float(normalise_quote(p.text) == normalise_quote(g.text)), 1.0
        )
        res.prf("quotes.exact_", len(exact), n_p, n_g)
        soft = match_entities(pred, gold, lambda p, g: token_f1(p.text, g.text), 1e-9)
        res.prf("quotes.", sum(1 for *_, s in soft if s >= self.min_token_f1), n_p, n_g)
        res.prf("quotes.token_", sum(s for *_, s in soft), n_p, n_g)
        judged = [
            (pred[i], gold[j]) for i, j, s in soft if s >= self.min_token_f1 and gold[j].speaker is not None
        ]
        if any(g.speaker is not None for g in gold):
            right = sum(self._speaker_ok(brief, p, case, g.speaker) for p, g in judged)
            res.rate("quotes.speaker_accuracy", right, len(judged))
        res.rate("quotes.verbatim", sum(quote_is_verbatim(case.article, q) for q in pred), n_p)
        return res

    @staticmethod
    def _speaker_ok(brief: IncidentBrief, quote: Quote, case: Case, gold_speaker: str | None) -> bool:
        actor = brief.actor(quote.speaker_id)
        names = [n for n in (quote.speaker, *([actor.name, *actor.aliases] if actor else [])) if n]
        gold_actor = case.golden.actor_named(gold_speaker)
        gold_names = [gold_actor.name, *gold_actor.aliases] if gold_actor else [gold_speaker or ""]
        return entity_similarity(names, gold_names) >= NAME_THRESHOLD


def _numbers(text: str) -> set[str]:
    """Numbers in digits or words up to twenty ("Three" -> "3", "1,140" -> "1140")."""
    words = {NUMBERS[w] for w in word_tokens(text) if w in NUMBERS}
    return set(re.findall(r"\d+", text.replace(",", ""))) | words


def _value_match(pred: str, gold: str) -> bool:
    np_, ng = _numbers(pred), _numbers(gold)
    if ng:
        return ng <= np_
    return normalise_quote(pred) == normalise_quote(gold) or token_f1(pred, gold) >= 0.5


class DiscrepanciesEvaluator:
    name = "discrepancies"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        pred, gold, res = brief.discrepancies, case.golden.discrepancies, FieldResult()

        def score(p: Discrepancy, g: GoldDiscrepancy) -> float:
            if p.field.split(".")[0].casefold() != g.field.split(".")[0].casefold():
                return 0.0
            found = sum(any(_value_match(pv.value, gv.value) for pv in p.values) for gv in g.values)
            return found / len(g.values)

        res.prf("discrepancies.", len(match_entities(pred, gold, score, 0.5)), len(pred), len(gold))
        return res


def _diplomatic_text(brief: IncidentBrief) -> str:
    d = brief.diplomatic_context
    return " ".join([*(p.position for p in d.positions), *(s.step for s in d.next_steps)])


def _free_text(res: FieldResult, field: str, points: list[str], text: str) -> None:
    if not points:
        return
    res.scores[f"{field}.coverage"] = coverage(points, text)
    for name, value in rouge(" ".join(points), text).items():
        res.scores[f"{field}.{name}"] = value


class DiplomaticEvaluator:
    name = "diplomatic"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        res, gold = FieldResult(), case.golden.diplomatic
        pred = brief.diplomatic_context.processes
        pairs = match_entities(
            [[p.name] for p in pred], [[g.name, *g.aliases] for g in gold.processes], entity_similarity
        )
        res.prf("diplomatic.processes_", len(pairs), len(pred), len(gold.processes))
        ordered = [k for k in gold.key_points if k.kind == "position"] + [
            k for k in gold.key_points if k.kind == "next_step"
        ]
        _free_text(res, "diplomatic", [k.text for k in ordered], _diplomatic_text(brief))
        return res


class SummaryEvaluator:
    name = "summary"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        res = FieldResult()
        _free_text(res, "summary", case.golden.summary, brief.summary)
        return res


def _items(brief: IncidentBrief) -> Iterable[object]:
    e, d = brief.event, brief.diplomatic_context
    if e.time.text:
        yield e.time
    yield from (*e.locations, *e.perpetrators, *brief.casualties, *brief.actors, *brief.quotes)
    yield from (*d.processes, *d.positions, *d.next_steps, *brief.sources_cited)
    for disc in brief.discrepancies:
        yield from disc.values


class GroundingEvaluator:
    name = "grounding"

    def evaluate(self, case: Case, brief: IncidentBrief) -> FieldResult:
        res, text = FieldResult(), case.article
        spans = brief.all_evidence()
        good = sum(e.end <= len(text) and text[e.start : e.end] == e.text for e in spans)
        res.rate("grounding.reproduce", good, len(spans))
        items = list(_items(brief))
        bad = sum(
            not getattr(item, "evidence", None)
            or (isinstance(item, Quote) and not quote_is_verbatim(text, item))
            for item in items
        )
        res.scores["grounding.ungrounded"] = float(bad)
        res.rate("grounding.grounded_rate", len(items) - bad, len(items))
        return res
