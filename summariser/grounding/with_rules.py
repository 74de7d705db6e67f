"""Never worse than the rules: a model's draft merged with the extractor's, field by field.

``prepare(llm, rules, trust, free, warnings) -> Draft`` runs before grounding (``assemble`` then grounds
the model's items and fills what it left out from the rules, origin ``extractor``):

* categorical fields (event type and sub-type, perpetrator certainty) take the model's value only when
  the trust profile says it is better on that field, and never a value an injected paragraph asks for;
  otherwise the rules' value stands and a disagreement is a warning (the model votes);
* list fields the profile says the model is worse at are left to the rules alone;
* free text (headline, summary, event description, diplomatic positions) is grounded sentence by
  sentence (``freetext.FreeText``): a sentence naming what the article does not is dropped, a field
  left empty or copying an injected instruction takes the rules' version;
* a time that is not in the article falls back to the rules' time;
* what the rules found and the model left out (perpetrators, processes, positions, next steps, sources,
  discrepancies) is added.

``drop_injected(assembled, free, warnings)`` runs after grounding: an item whose evidence lies wholly
inside an injected paragraph (a quote in a fake JSON answer, whoever found it) is dropped.
"""

from __future__ import annotations

from typing import Any

from ..schema.draft import Draft
from .freetext import FreeText
from .link import same_actor
from .trust import Trust

__all__ = ["drop_injected", "prepare"]

_LISTS = {  # eval field -> draft lists it scores
    "locations": ("locations",),
    "casualties": ("casualties",),
    "actors": ("actors",),
    "quotes": ("quotes",),
    "sources": ("sources",),
    "discrepancies": ("discrepancies",),
    "perpetrators": ("perpetrators",),
    "diplomatic": ("processes", "positions", "next_steps"),
}


def _why(trust: Trust, name: str) -> str:
    if trust.profile_id is None:
        return "no trust profile for this model"
    verdict = trust.verdict(name)
    return f"trust profile {trust.profile_id}: model {verdict or 'not measured'} on {name}"


def _categorical(d: Draft, rules: Draft, trust: Trust, free: FreeText, warnings: list[str]) -> None:
    if d.event_type != rules.event_type:
        asked = free.follows_injection(f'event type is "{d.event_type.value}"') or any(
            f'"{d.event_type.value.lower()}"' in free.text[s:e].lower() for s, e in free.injected
        )
        if trust.adopt("event_type") and not asked:
            warnings.append(
                f"event type {d.event_type.value!r} from the model replaces the rules' "
                f"{rules.event_type.value!r} ({_why(trust, 'event_type')})"
            )
        else:
            reason = "an instruction inside the article asks for it" if asked else _why(trust, "event_type")
            warnings.append(
                f"event type: the model suggests {d.event_type.value!r}; kept the rules' "
                f"{rules.event_type.value!r} ({reason})"
            )
            d.event_type, d.sub_type = rules.event_type, rules.sub_type
    elif d.sub_type != rules.sub_type and rules.sub_type and not trust.adopt("event_type"):
        d.sub_type = rules.sub_type
    if trust.adopt("perpetrators"):
        return
    for p in d.perpetrators:
        twin = next((r for r in rules.perpetrators if same_actor(r.name, p.name)), None)
        if twin is not None and twin.certainty != p.certainty:
            warnings.append(
                f"perpetrator {p.name!r}: the model suggests certainty {p.certainty.value!r}; kept the "
                f"rules' {twin.certainty.value!r} ({_why(trust, 'perpetrators')})"
            )
            p.certainty = twin.certainty


def _fill(mine: list[Any], theirs: list[Any], key: str) -> int:
    """Add the rules' items whose ``key`` names nothing the model's items name; how many were added."""
    added = 0
    for item in theirs:
        name = getattr(item, key, None) or ""
        if not any(same_actor(name, getattr(m, key, None) or "") for m in mine):
            mine.append(item)
            added += 1
    return added


def _norm(s: str) -> str:
    return " ".join(s.lower().split()).strip(" ,.;:\"'“”‘’")


def _rules_first(d: Draft, rules: Draft, warnings: list[str]) -> None:
    """The rules' items ahead of the model's, so that where both found the same quote, figure, actor or
    place, the rules' version (its exact spans, its speaker, its reporter) is the one kept."""
    theirs = [_norm(q.text) for q in d.quotes]
    for q in rules.quotes:
        mine = _norm(q.text)
        if not any(t and (t in mine or mine in t) for t in theirs):
            warnings.append(f'quote "{q.text[:40]}…" added from the extractor (the model missed it)')
    for c in rules.casualties:
        if not any(x.category == c.category and x.count == c.count for x in d.casualties):
            warnings.append(f"figure {c.as_written!r} ({c.category.value}) added from the extractor")
    d.quotes = list(rules.quotes) + d.quotes  # overlapping model quotes are dropped by assemble
    d.casualties = list(rules.casualties) + [
        c
        for c in d.casualties
        if not any(r.category == c.category and r.count == c.count for r in rules.casualties)
    ]
    d.actors = list(rules.actors) + d.actors  # same actor: merged by assemble, the rules' name first
    d.locations = list(rules.locations) + d.locations
    d.perpetrators = list(rules.perpetrators) + [
        p for p in d.perpetrators if not any(same_actor(r.name, p.name) for r in rules.perpetrators)
    ]


def prepare(llm: Draft, rules: Draft, trust: Trust, free: FreeText, warnings: list[str]) -> Draft:
    """The model's draft, ready to be grounded and filled from ``rules`` (see the module doc)."""
    d = llm.model_copy(deep=True)
    _categorical(d, rules, trust, free, warnings)
    for name, lists in _LISTS.items():
        if not trust.keep(name):
            for attr in lists:
                if getattr(d, attr):
                    warnings.append(f"{attr}: the model's items not used ({_why(trust, name)})")
                setattr(d, attr, [])
    if not any(trust.adopt(f) for f in ("quotes", "casualties", "actors", "locations", "perpetrators")):
        _rules_first(d, rules, warnings)
    if not trust.keep("summary"):
        d.summary = rules.summary
    d.headline = free.ground(d.headline, rules.headline, "headline", warnings)
    d.summary = free.ground(d.summary, rules.summary, "summary", warnings)
    d.description = free.ground(d.description, rules.description, "event description", warnings)
    kept = []
    for pos in d.positions:
        if free.follows_injection(pos.position) or free.unsupported(pos.position):
            warnings.append(f"position of {pos.actor!r} names what the article does not; dropped")
        else:
            kept.append(pos)
    d.positions = kept
    if d.time_text and d.time_text.lower() not in free.text.lower():
        if trust.keep("time"):
            warnings.append(
                f"time {d.time_text!r} is not in the article; the rules' time {rules.time_text!r} is used"
                if rules.time_text
                else f"time {d.time_text!r} is not in the article; dropped"
            )
        d.time_text = None  # assemble then takes the rules' time, with its spans
    elif not trust.keep("time"):
        d.time_text = None
    added = {
        "perpetrators": _fill(d.perpetrators, rules.perpetrators, "name")
        if trust.adopt("perpetrators")
        else 0,
        "processes": _fill(d.processes, rules.processes, "name"),
        "positions": _fill(d.positions, rules.positions, "position"),
        "next steps": _fill(d.next_steps, rules.next_steps, "step"),
        "sources": _fill(d.sources, rules.sources, "name"),
        "discrepancies": _fill(d.discrepancies, rules.discrepancies, "field"),
    }
    for what, n in added.items():
        if n:
            warnings.append(f"{n} {what} added from the extractor (the model missed them)")
    return d


def _outside(free: FreeText, item: Any) -> bool:
    evidence = getattr(item, "evidence", None) or []
    return not evidence or not all(free.in_injection(e.start, e.end) for e in evidence)


def drop_injected(result: Any, free: FreeText, warnings: list[str]) -> None:
    """Remove the model's items that exist only inside an injected paragraph."""
    if not free.injected:
        return
    for attr in ("quotes", "casualties"):
        items = getattr(result, attr)
        kept = [x for x in items if _outside(free, x)]
        if len(kept) != len(items):
            warnings.append(
                f"{len(items) - len(kept)} {attr} found only inside an instruction to a model; dropped"
            )
            setattr(result, attr, kept)
    for i, q in enumerate(result.quotes, 1):
        q.id = f"q{i}"
    event = result.event
    for attr in ("locations", "perpetrators"):
        items = getattr(event, attr)
        kept = [x for x in items if _outside(free, x)]
        if len(kept) != len(items):
            warnings.append(
                f"{len(items) - len(kept)} {attr} found only inside an instruction to a model; dropped"
            )
            setattr(event, attr, kept)
