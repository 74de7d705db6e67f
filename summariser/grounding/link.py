"""Actor linking: one resolver that maps a name as written to an actor id.

"Riyad" -> "Riyad Hijab", "HNC" -> "High Negotiations Committee", "al-Meslet" -> "Salem al-Meslet";
"Ahmed al-Meslet" does not match "Salem al-Meslet" (a conflicting given name is another person).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .align import normalise

__all__ = ["ActorIdResolver", "name_key", "name_tokens", "numbers_in", "same_actor"]

_PARTICLES = {
    "al",
    "el",
    "ad",
    "as",
    "ash",
    "at",
    "an",
    "ar",
    "az",
    "bin",
    "ibn",
    "bint",
    "de",
    "da",
    "di",
    "du",
    "van",
    "von",
    "der",
    "la",
    "le",
    "the",
    "of",
    "abu",
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "u.s.",
    "us",
    "minister",
    "prime",
    "secretary",
    "general",
    "spokesman",
    "spokeswoman",
    "gen",
    "col",
    "sheikh",
    "king",
    "prince",
    "sen",
    "senator",
    "rep",
}


def name_key(name: str) -> str:
    n = normalise(name)
    n = re.sub(r"^(the|a|an)\s+", "", n)
    n = re.sub(r"['’]s$", "", n)
    return re.sub(r"[^\w\s-]", "", n).strip()


def name_tokens(name: str) -> list[str]:
    """Content tokens of a name: particles and titles dropped, 'al-Meslet' -> ['meslet']."""
    toks = re.split(r"[\s-]+", name_key(name))
    return [t for t in toks if t and t not in _PARTICLES]


def _acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


def same_actor(a: str, b: str) -> bool:
    """True when two names plausibly denote the same actor."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if a.isupper() and len(a) >= 2 and _acronym(b) == a.replace(".", ""):
        return True
    if b.isupper() and len(b) >= 2 and _acronym(a) == b.replace(".", ""):
        return True
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) == len(long_):
        return short == long_
    # a shorter name must be the long one's surname(s) or its given name, never a different given name
    if long_[-len(short) :] == short:
        return True
    return len(short) == 1 and short[0] == long_[0]


class ActorIdResolver:
    """Resolves names to ids over a list of (id, names) pairs."""

    def __init__(self, actors: Iterable[tuple[str, list[str]]]) -> None:
        self.actors = [(i, [n for n in names if n]) for i, names in actors]

    def resolve(self, name: str | None) -> str | None:
        if not name:
            return None
        key = name_key(name)
        for actor_id, names in self.actors:
            if any(name_key(n) == key for n in names):
                return actor_id
        hits = [aid for aid, names in self.actors if any(same_actor(name, n) for n in names)]
        return hits[0] if len(set(hits)) == 1 else None


def numbers_in(text: str) -> set[int]:
    """Every number written in a text, as digits ('1,200') or words ('three', 'twenty-five').

    Vague quantities ('dozens') name no number and add none.
    """
    from ..extract.numbers import find_numbers

    found = {int(m.replace(",", "")) for m in re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\b", text)}
    for p in find_numbers(text):
        if p.count is not None:
            found.add(p.count)
        else:  # a range counts only for the numbers actually written ("between 10 and 15")
            found.update(v for v in (p.count_min, p.count_max) if v is not None and str(v) in text)
    return found
