"""Role and affiliation of people, read from appositions and pre-name titles.

"Salem al-Meslet, spokesman for the negotiations committee" -> role "spokesman", affiliation
"negotiations committee" (resolved to "High Negotiations Committee" when that actor exists);
"HNC spokesman Salem al-Meslet" -> "spokesman", "HNC"; "Josh Earnest, the White House press secretary"
-> "press secretary", "White House"; "U.S. President Barack Obama" -> "President", "United States".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..schema.brief import ActorKind
from .gazetteer import ROLE_WORDS, country_of

if TYPE_CHECKING:
    from .actors import ActorIndex, ActorRec
    from .nlp import Analysis

__all__ = ["read_roles", "resolve_affiliation"]

_ROLE = "|".join(re.escape(r) for r in sorted(ROLE_WORDS, key=len, reverse=True))
_ROLE_RE = re.compile(rf"\b(?:{_ROLE})\b", re.IGNORECASE)
_BODY = r"council|committee|ministry|army|police|party|group|government|union|movement|agency|campaign|front"
_PRE = re.compile(
    rf"(?:(?:[Tt]he|[Aa]n?)\s+)?(?P<aff>(?:[A-Z][\w.&'’-]*\s+){{0,4}}?|(?:{_BODY})\s+)(?P<role>(?i:{_ROLE}))"
    r"\s*,?\s*$"
)
_APPOSITION = re.compile(r",\s+(?P<app>[^,;:\"“”()\n]{2,90}?)\s*(?=,|\.|;|\n|$)")
_SPLIT = re.compile(r"\s+(?:for|of|at|with|to|in)\s+(?:the\s+)?")
_OCCUPATION = re.compile(
    r"(?:a|an)\s+(?:\d+-year-old\s+)?(?P<np>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)"
    r"(?=\s+(?:who|whose|from|at|in|with|whom|living|working)\b|\s*$)"
)
_DET = re.compile(r"^(?:the|a|an|its|his|her|their)\s+", re.IGNORECASE)


def resolve_affiliation(index: ActorIndex, written: str) -> str:
    """The canonical name of the actor an affiliation refers to, else the affiliation as written."""
    written = _DET.sub("", written.strip()).strip()
    found = index.find(written)
    if found is not None:
        return found.name
    country = country_of(written)
    if country:
        return country
    words = set(written.lower().split())
    bodies = [
        a for a in index.actors if a.kind is not ActorKind.PERSON and words <= set(a.name.lower().split())
    ]
    if bodies and (len(words) >= 2 or len(bodies) == 1):  # "council" -> the one council the article names
        return bodies[0].name
    return written


def _described(app: str, an: Analysis, start: int) -> str | None:
    """An occupation that is no listed role word: "a shopkeeper whose stall faces the station"."""
    m = _OCCUPATION.match(app)
    if m is None:
        return None
    words = m.group("np")
    at = start + m.start("np") + len(words) - len(words.split()[-1])
    if not an.tag_at(at).startswith("NN") or any(w[:1].isupper() for w in words.split()):
        return None
    return words


def _from_apposition(app: str, an: Analysis, start: int, index: ActorIndex) -> tuple[str, str | None] | None:
    if re.match(r"(?:who|which|that|whose|where|when)\b", app.strip(), re.IGNORECASE):
        return None
    if not _ROLE_RE.search(app):
        lead = len(app) - len(app.lstrip())
        job = _described(app.lstrip(), an, start + lead)
        return (job, None) if job else None
    app = _DET.sub("", app.strip())
    if len(app.split()) > 9:
        return None
    parts = _SPLIT.split(app, maxsplit=1)
    if len(parts) == 2 and _ROLE_RE.search(parts[0]):
        return parts[0].strip(), resolve_affiliation(index, parts[1])
    inner = [m for m in an.mentions_in(start, start + len(app) + 8) if m.label in ("ORG", "GPE", "NORP")]
    for m in inner:
        if app.startswith(m.text) or app.startswith(f"the {m.text}") or m.text in app:
            role = app.replace(m.text, "", 1).strip(" ,")
            role = _DET.sub("", role)
            if role and _ROLE_RE.search(role):
                return role, resolve_affiliation(index, m.text)
    words = app.split()
    if words[0][:1].isupper() and len(words) >= 2 and _ROLE_RE.search(" ".join(words[1:])):
        head = [w for w in words if w[:1].isupper()]
        aff = " ".join(head)
        role = " ".join(w for w in words if not w[:1].isupper())
        if role:
            return role, resolve_affiliation(index, aff)
    return app, None


def _read_one(actor: ActorRec, an: Analysis, index: ActorIndex) -> None:
    text = an.text
    for s, e in actor.mentions:
        sent_start = an.sentence_at(s)[0]
        before = text[max(sent_start, s - 60) : s]
        pre = _PRE.search(before)
        if pre and actor.role is None:
            actor.role = pre.group("role").strip()
            aff = pre.group("aff").strip()
            if aff:
                actor.affiliation = resolve_affiliation(index, aff)
        after = _APPOSITION.match(text, e)
        if after and actor.role is None:
            parsed = _from_apposition(after.group("app"), an, after.start("app"), index)
            if parsed:
                actor.role, actor.affiliation = parsed
        if actor.role is not None:
            return


def read_roles(an: Analysis, index: ActorIndex) -> None:
    for actor in index.actors:
        if actor.kind is ActorKind.PERSON:
            _read_one(actor, an, index)
