"""Actors: people, states, governments, armed groups, political bodies, international bodies, media.

Built from the NER mentions plus rules (government/regime/forces phrases), with aliases merged
("High Negotiations Committee (HNC)", "Putin" = "Vladimir Putin", "UN" = "United Nations") and role and
affiliation read from appositions ("X, spokesman for Y", "HNC spokesman X", "X, the White House press
secretary").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..schema.brief import ActorKind
from .actor_kinds import described_kind, name_like, org_kind
from .gazetteer import FEMALE_NAMES, MALE_NAMES, NOT_AN_ACTOR, country_of
from .nlp import Analysis, Mention
from .roles import read_roles

__all__ = ["ActorIndex", "ActorRec", "build_actors", "initials", "name_like", "org_kind"]

_GOV = (
    r"(?:government|regime|army|military|armed forces|air force"
    r"|security forces|forces|troops|police|authorities)"
)
_GOV_PHRASE = re.compile(
    rf"\b(?:(?P<mod>[A-Z][\w.'’-]+)\s+)?(?P<head>{_GOV}(?:\s+(?:forces|troops|fighters|warplanes|jets))?)\b"
)
_ARMED = re.compile(
    r"\b(?P<head>rebels|rebel fighters|militants|insurgents|jihadists|militia|militiamen|gunmen)\b"
)
_LOCATIVE = {
    "in",
    "at",
    "from",
    "near",
    "across",
    "into",
    "inside",
    "outside",
    "throughout",
    "of",
    "within",
    "around",
    "over",
    "towards",
    "toward",
    "on",
    "to",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
}
_ORG_WORDS = re.compile(
    r"\b(?:Committee|Council|Department|Ministry|Party|Army|Front|Forces|Union|Organi[sz]ation|Agency|Bank|"
    r"House|Office|Group|Association|Institute|University|Court|Commission|Times|News|Post|Network|"
    r"Foundation|Center|Centre|Campaign|Coalition|Congress|Senate)\b"
)


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in ("of", "the", "and", "for")]
    return "".join(w[0] for w in words).upper()


@dataclass
class ActorRec:
    name: str
    start: int
    end: int
    kind: ActorKind
    label: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None
    gender: str | None = None

    @property
    def tokens(self) -> list[str]:
        return self.name.split()

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]

    def add(self, m: Mention) -> None:
        if m.text != self.name and m.text not in self.aliases:
            self.aliases.append(m.text)
        if (m.start, m.end) not in self.mentions:
            self.mentions.append((m.start, m.end))

    @property
    def first(self) -> int:
        return min(s for s, _ in self.mentions)


@dataclass
class ActorIndex:
    actors: list[ActorRec]

    def find(self, surface: str) -> ActorRec | None:
        """The actor called ``surface`` (a name, alias, acronym or a person's first or last name)."""
        s = re.sub(r"^(?:the|The)\s+", "", surface.strip())
        s = re.sub(r"(?:'s|’s)$", "", s)
        low = s.lower()
        if not low:
            return None
        for a in self.actors:
            if low in (n.lower() for n in a.all_names()):
                return a
        toks = low.split()
        for a in self.actors:
            if a.kind is ActorKind.PERSON and all(t in [x.lower() for x in a.tokens] for t in toks):
                return a
        for a in self.actors:
            if (
                a.kind is not ActorKind.PERSON
                and len(s) >= 2
                and s.isupper()
                and initials(a.name) == s.replace(".", "")
            ):
                return a
        return None

    def at(self, start: int, end: int) -> ActorRec | None:
        """The first actor (in ``actors`` order) with a mention overlapping ``[start, end)``."""
        spans = self._spans()
        j = bisect.bisect_left(spans, (end, end, -1)) - 1  # the last mention starting before ``end``
        best: int | None = None
        while j >= 0 and spans[j][0] >= start - _LONGEST_NAME:
            if spans[j][1] > start and (best is None or spans[j][2] < best):
                best = spans[j][2]
            j -= 1
        return self.actors[best] if best is not None else None

    def _spans(self) -> list[tuple[int, int, int]]:
        """Every mention as (start, end, actor number), sorted; rebuilt when mentions were added."""
        size = tuple((id(a), id(a.mentions), len(a.mentions)) for a in self.actors)
        if self.__dict__.get("_spans_size") != size:
            self.__dict__["_spans_list"] = sorted(
                (s, e, i) for i, a in enumerate(self.actors) for s, e in a.mentions
            )
            self.__dict__["_spans_size"] = size
        spans: list[tuple[int, int, int]] = self.__dict__["_spans_list"]
        return spans

    def by_name(self, name: str) -> ActorRec | None:
        return next((a for a in self.actors if a.name == name), None)


def _person_like(m: Mention, text: str) -> bool:
    words = m.text.split()
    if not 2 <= len(words) <= 4 or _ORG_WORDS.search(m.text):
        return False
    if not all(
        w[0].isupper() or w in ("de", "al", "bin", "van", "von", "da", "el", "la") or w.startswith("al-")
        for w in words
    ):
        return False
    before = text[max(0, m.start - 40) : m.start]
    after = text[m.end : m.end + 40]
    from .gazetteer import ROLE_WORDS

    role = "|".join(re.escape(r) for r in ROLE_WORDS)
    return bool(
        re.search(rf"\b(?:{role}),?\s*$", before, re.IGNORECASE)
        or re.match(rf",\s+(?:the|a|an)\s+[\w\s.-]*?\b(?:{role})\b", after, re.IGNORECASE)
    )


def _state_context(m: Mention, text: str) -> bool:
    prev = re.findall(r"[\w-]+", text[max(0, m.start - 25) : m.start])
    if prev and (prev[-1].lower() in _LOCATIVE or prev[-1].lower().endswith("ern")):
        return False
    if re.match(r"\s*(?:'s|’s)", text[m.end : m.end + 3]) or NOT_AN_ACTOR.match(text, m.end):
        return False
    return not re.match(r"\s+[A-Z]", text[m.end : m.end + 2])


def _gov_mentions(an: Analysis) -> list[tuple[Mention, ActorKind, str | None]]:
    """Government/regime/forces and armed-group phrases the NER does not return as entities."""
    text = an.text
    out: list[tuple[Mention, ActorKind, str | None]] = []
    for m in _GOV_PHRASE.finditer(text):
        mod = m.group("mod")
        country = country_of(mod) if mod else None
        person_mod = mod is not None and any(x.label == "PERSON" and x.text == mod for x in an.mentions)
        if mod and not country and not person_mod:
            if mod in ("The", "A") or m.start() == an.sentence_at(m.start())[0]:
                s, e = m.start("head"), m.end("head")
                out.append((Mention(text[s:e], "GOV", s, e), ActorKind.GOVERNMENT, None))
            continue
        s = m.start() if mod else m.start("head")
        e = m.end("head")
        if not mod and not re.search(r"\b(?:the|its|their)\s+$", text[max(0, s - 8) : s], re.IGNORECASE):
            continue
        out.append((Mention(text[s:e], "GOV", s, e), ActorKind.GOVERNMENT, country))
    for m in _ARMED.finditer(text):
        out.append((Mention(m.group(), "ARMED", m.start(), m.end()), ActorKind.ARMED_GROUP, None))
    return out


def _gender(name: str, text: str, start: int) -> str | None:
    first = (name.split() or [""])[0].lower()
    title = text[max(0, start - 6) : start]
    if first in FEMALE_NAMES or re.search(r"\b(?:Mrs|Ms|Miss)\.?\s+$", title):
        return "f"
    if first in MALE_NAMES or re.search(r"\bMr\.?\s+$", title):
        return "m"
    return None


def build_actors(an: Analysis, place_spans: set[tuple[int, int]]) -> ActorIndex:
    """Every actor the article names, aliases merged, in order of first mention."""
    text = an.text
    actors: list[ActorRec] = []
    persons: list[Mention] = []
    orgs: list[Mention] = []
    for m in an.mentions:
        if (m.start, m.end) in place_spans and m.label != "GPE":
            continue
        if m.label in ("PERSON", "ORG") and not name_like(m.text):
            continue
        if m.label == "PERSON" and re.search(r"[A-Za-z]", m.text):
            persons.append(m)
        elif m.label == "ORG" and _person_like(m, text):
            persons.append(Mention(m.text, "PERSON", m.start, m.end))
        elif m.label == "ORG":
            orgs.append(m)
        elif m.label == "GPE" and country_of(m.text) and _state_context(m, text):
            orgs.append(Mention(m.text, "STATE", m.start, m.end))
    # people: the longest names first, then shorter names folded into them
    for m in sorted(persons, key=lambda x: (-len(x.text.split()), x.start)):
        toks = m.text.lower().split()
        home = next(
            (
                a
                for a in actors
                if m.text == a.name
                or (len(toks) < len(a.tokens) and all(t in [x.lower() for x in a.tokens] for t in toks))
            ),
            None,
        )
        if home is None:
            actors.append(
                ActorRec(
                    m.text,
                    m.start,
                    m.end,
                    ActorKind.PERSON,
                    "PERSON",
                    mentions=[(m.start, m.end)],
                    gender=_gender(m.text, text, m.start),
                )
            )
        else:
            home.add(m)
    # organisations and states: acronyms in brackets, initials, country names, token subsets
    for m in sorted(orgs, key=lambda x: (-len(x.text), x.start)):
        home = _org_home(m, actors, text)
        if home is None:
            kind = ActorKind.STATE if m.label == "STATE" else org_kind(m.text)
            name = m.text
            actors.append(ActorRec(name, m.start, m.end, kind, m.label, mentions=[(m.start, m.end)]))
        else:
            home.add(m)
    _add_government(an, actors)
    actors = _merge_same_names(actors)
    _add_surnames(text, actors)
    for a in actors:
        a.mentions.sort()
        if a.kind is ActorKind.PERSON and a.gender is None:
            a.gender = next((g for s, e in a.mentions if (g := _gender(text[s:e], text, s))), None)
    actors.sort(key=lambda a: a.first)
    for a in actors:
        if a.kind is not ActorKind.PERSON:
            a.kind = described_kind(text, a.mentions) or a.kind
    index = ActorIndex(actors)
    read_roles(an, index)
    return index


def _merge_same_names(actors: list[ActorRec]) -> list[ActorRec]:
    """One actor per name: the NER may call "Al-Monitor" a person in one sentence and an organisation in
    the next; the mentions join the actor named more often (a person on a tie)."""
    out: list[ActorRec] = []
    for a in sorted(actors, key=lambda x: (-len(x.mentions), x.kind is not ActorKind.PERSON)):
        home = next((b for b in out if b.name.casefold() == a.name.casefold()), None)
        if home is None:
            out.append(a)
            continue
        for span in a.mentions:
            if span not in home.mentions:
                home.mentions.append(span)
        home.aliases += [x for x in a.aliases if x not in home.aliases and x != home.name]
    return out


_CAP_WORD = re.compile(r"(?<![\w-])[A-Z][\w-]*(?![\w-])")


_LONGEST_NAME = 300  # characters: no name mention is longer, so a look back can stop there


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Some span of ``spans`` (sorted) overlaps ``[start, end)``: a bisection, not a scan of them all."""
    j = bisect.bisect_left(spans, (end, end)) - 1  # the last span starting before ``end``
    while j >= 0 and spans[j][0] >= start - _LONGEST_NAME:
        if spans[j][1] > start:
            return True
        j -= 1
    return False


def _add_surnames(text: str, actors: list[ActorRec]) -> None:
    """Bare surnames the NER missed ("Ham said") become mentions of the one person who bears them."""
    people = [a for a in actors if a.kind is ActorKind.PERSON and len(a.tokens) >= 2]
    if not people:
        return
    taken = sorted(span for a in actors for span in a.mentions)
    words: dict[str, list[tuple[int, int]]] = {}
    for m in _CAP_WORD.finditer(text):
        words.setdefault(m.group(), []).append((m.start(), m.end()))
    for a in people:
        surname = a.tokens[-1]
        if len(surname) < 3 or not surname[0].isupper() or sum(p.tokens[-1] == surname for p in people) > 1:
            continue
        for ms, me in words.get(surname, []):
            if not _overlaps(taken, ms, me):
                a.mentions.append((ms, me))
                if surname not in a.aliases:
                    a.aliases.append(surname)


def _org_home(m: Mention, actors: list[ActorRec], text: str) -> ActorRec | None:
    low = m.text.lower()
    bare = m.text.replace(".", "")
    for a in actors:
        if a.kind is ActorKind.PERSON:
            continue
        if low in (n.lower() for n in a.all_names()):
            return a
        if m.label == "STATE" or a.kind is ActorKind.STATE:
            if m.label == "STATE" and a.kind is ActorKind.STATE and country_of(m.text) == country_of(a.name):
                return a
            continue
        if bare.isupper() and len(bare) >= 2 and (initials(a.name) == bare or f"{a.name} ({m.text})" in text):
            return a
        a_toks = set(a.name.lower().split())
        if len(low.split()) >= 2 and set(low.split()) < a_toks:
            return a
    return None


def _add_government(an: Analysis, actors: list[ActorRec]) -> None:
    """Fold 'the regime', 'Assad regime', 'Syrian government forces' into one actor per country (the
    police apart: 'the police' is not 'the government')."""
    found = _gov_mentions(an)
    found.sort(key=lambda f: (-len(f[0].text), f[0].start))
    govs: dict[str, ActorRec] = {}
    for m, kind, country in found:
        if any(
            s <= m.start and m.end <= e
            for a in actors
            for s, e in a.mentions
            if a.label not in ("GOV", "ARMED")
        ):
            continue
        police = "police" if re.search(r"\bpolice\b", m.text, re.IGNORECASE) else ""
        key = m.label if kind is ActorKind.ARMED_GROUP else f"GOV:{police}:{country or ''}"
        home = govs.get(key)
        if home is None and kind is ActorKind.GOVERNMENT and country is None and govs:
            home = next((g for k, g in govs.items() if k.startswith(f"GOV:{police}:")), None)
        if home is None:
            home = ActorRec(m.text, m.start, m.end, kind, m.label, mentions=[(m.start, m.end)])
            govs[key] = home
            actors.append(home)
        else:
            home.add(m)
