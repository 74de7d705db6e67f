"""The event's toll: which casualty figures the headline and summary should use.

Per category (killed, injured) the *toll* is the best-supported figure for this event:

- never a cumulative toll ("so far this year"), a breakdown ("six of the dead were women"), a figure of
  another, dated event ("in 2009 four were killed") or a vague amount when an exact one exists;
- support: how many sentences state the same value, with the headline (the first line) and the lead
  paragraph counting extra; ties go to the earlier statement;
- parts of one event in one sentence ("killing 4 in one town and 1 in another", "two women and a child
  were killed") are added: each part is marked ``toll``;
- "N shot" counts everyone hit: with a killed toll K and no injured figure, the injured toll is N - K
  (as written: the phrase that gives N); "N shot, K fatally" gives both;
- the suspects' own casualties ("the gunman was killed", "before turning the gun on himself") are marked
  ``suspects`` and counted apart, never as the toll.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict

from ..calendar_words import MONTHS
from ..schema.brief import CasualtyCategory, Qualifier
from .casualties import Figure
from .nlp import Analysis
from .numbers import NumberPhrase

__all__ = ["mark_toll", "one_per_reporter"]

_SUSPECT = re.compile(
    r"\b(?:suspects?|gunm[ae]n|shooters?|attackers?|assailants?|robbers?|intruders?)\b", re.I
)
_OTHER_EVENT = re.compile(
    r"\b(?i:in|since|of) (?:19|20)\d\d\b|\b(?:last|previous) (?:year|month)\b|"
    rf"\b(?:{'|'.join(MONTHS)}),? (?:of )?(?:19|20)\d\d\b|"
    r"\bearlier this year\b|\b(?:weeks|months|years) ago\b|\ba (?:month|year) ago\b|"
    r"\b(?:recent|previous|earlier|past|prior|other) (?:incidents|attacks|shootings|killings)\b",
)
_SELF = re.compile(
    r"\b(?:turn(?:ed|ing) the gun on (?:him|her)self"
    r"|(?:killed|killing|fatally shot|fatally shooting) (?:him|her)self|"
    r"took (?:his|her) own life|taking (?:his|her) own life|"
    r"(?:before|then|and then|later)\s+(?:fatally\s+)?(?:shot|shooting)\s+(?:him|her)self|"
    r"committed suicide|died (?:of|from) (?:an apparent |a )?self-inflicted)",
    re.I,
)


_ASIDE = re.compile(
    r"(?:Caption|RELATED|Related|READ MORE|Read more|MORE|Video|VIDEO|Photos?|PHOTOS?|WATCH|Watch|See also)\b"
)
_INCLUDED = ", including the suspect"
"""Added to the toll's victims when the report counts the suspect among them."""
_INCLUDING_SUSPECT = re.compile(
    r"[^.;]{0,80}?\bincluding (?:the|a) (?:suspect|gunman|shooter|attacker|assailant)\b", re.I
)


def _aside(an: Analysis, f: Figure) -> bool:
    """In a caption, a related-story link or a 'more' box, not the story itself."""
    start = an.text.rfind("\n", 0, f.number.start) + 1
    return bool(_ASIDE.match(an.text, start))


def _value(f: Figure) -> int:
    n = f.number
    if n.count is not None:
        return n.count
    return n.count_min if n.count_min is not None else n.count_max or 0


def _vague(f: Figure) -> bool:
    n = f.number
    return n.count is None and not any(ch.isdigit() for ch in n.as_written)


_IN_MONTH = re.compile(rf"\b(?:in|during|since|throughout) (?P<month>{'|'.join(MONTHS)})\b(?!,? \d)")
_THAT_EVENT = re.compile(
    r"\b(?:in|of|from) (?:that|the earlier|the previous|the prior|an earlier|a previous) "
    r"(?:incident|shooting|attack|case)\b|\bretaliation for\b"
)
_BACK_REFERENCE = re.compile(r"\s+of\s+(?:them|those)\b")


def _other_sentence(an: Analysis, s: int, e: int, published: dt.date | None) -> bool:
    for m in _OTHER_EVENT.finditer(an.text, s, e):
        year = re.search(r"(?:19|20)\d\d", m.group())
        if year is None or published is None or int(year.group()) != published.year:
            return True
    if published is not None:
        for m in _IN_MONTH.finditer(an.text, s, e):
            if MONTHS.index(m.group("month")) + 1 != published.month:
                return True  # "45 people were killed in July" in a report of August
    return _THAT_EVENT.search(an.text, s, e) is not None


def _other_event(an: Analysis, f: Figure, published: dt.date | None) -> bool:
    """The figure is of another, dated event: in its sentence, or "one of them died" right after one."""
    s, e = an.sentence_at(f.number.start)
    if _other_sentence(an, s, e, published):
        return True
    if _BACK_REFERENCE.match(an.text, f.number.end) and s > 0:
        ps, pe = an.sentence_at(s - 1)
        return ps < s and _other_sentence(an, ps, pe, published)
    return False


def _weight(an: Analysis, f: Figure) -> float:
    first_line_end = an.text.find("\n")
    if 0 <= f.number.start < (first_line_end if first_line_end > 0 else 0):
        return 1.5 if f.described else 3.0  # the headline
    lead = an.paragraphs[min(2, len(an.paragraphs) - 1)] if an.paragraphs else (0, 0)
    weight = 2.0 if f.number.start < lead[1] else 1.0
    return weight / 2 if f.described else weight  # "a man killed" supports a toll less than "four killed"


def _of(figures: list[Figure], category: CasualtyCategory) -> list[Figure]:
    return [f for f in figures if f.category is category]


_PLACE_AFTER = re.compile(r"\s+(?:\w+\s+){0,2}?(?:in|at)\s+(?P<place>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)")


def _part_key(an: Analysis, f: Figure) -> str | None:
    """What sets a part apart: its victims ("women", "a child") or its place ("4 in X, 1 in Y")."""
    if f.victims:
        return f.victims.lower()
    m = _PLACE_AFTER.match(an.text, f.number.end)
    return m.group("place") if m else None


def _units(an: Analysis, pool: list[Figure]) -> list[list[Figure]]:
    """Figures grouped into statements: several figures of one category in one sentence with different
    victims are parts of one toll ("two women and a child were killed"); any other figure stands alone."""
    exact = [f for f in pool if not _vague(f)]
    pool = exact or pool
    by_sentence: dict[int, list[Figure]] = defaultdict(list)
    for f in pool:
        by_sentence[f.sentence].append(f)
    units: list[list[Figure]] = []
    for group in by_sentence.values():
        keys = [_part_key(an, f) for f in group]
        parts = None not in keys and len(set(keys)) == len(keys) and len({f.hit for f in group}) == 1
        if len(group) > 1 and parts:
            units.append(group)
        else:
            units.extend([f] for f in group)
    return units


def _best(an: Analysis, units: list[tuple[int, list[Figure]]]) -> tuple[int, list[Figure]] | None:
    """The unit whose value is best supported (summed weights of the statements giving it); ties go to
    the earlier statement."""
    if not units:
        return None
    support: dict[int, float] = defaultdict(float)
    for value, unit in units:
        support[value] += max(_weight(an, f) for f in unit)
    return max(units, key=lambda u: (support[u[0]], -u[1][0].number.start))


def _self_inflicted(an: Analysis, figures: list[Figure]) -> list[Figure]:
    """'... before turning the gun on himself': the attacker's own death, once."""
    if any(f.suspects and f.category is CasualtyCategory.KILLED for f in figures):
        return []
    m = _SELF.search(an.text)
    if m is None or an.in_quote(m.start()):
        return []
    s, e = m.start(), m.end()
    num = NumberPhrase(s, e, an.text[s:e], 1, None, None, Qualifier.EXACT)
    return [
        Figure(CasualtyCategory.KILLED, num, "the attacker", None, False, an.sentence_index(s), suspects=True)
    ]


def _derived_injured(an: Analysis, hit: list[Figure], killed: list[Figure], n_injured: int) -> Figure:
    """'5 shot, 1 fatally': the injured are those hit less the dead; written as the phrase giving both."""
    first = hit[0]
    start, end = first.number.start, first.number.end
    near = [f for f in killed if f.sentence == first.sentence]
    if near:
        start, end = min(start, *(f.number.start for f in near)), max(end, *(f.number.end for f in near))
    number = NumberPhrase(start, end, an.text[start:end], n_injured, None, None, Qualifier.EXACT)
    return dataclasses.replace(first, number=number, hit=False, toll=True)


def mark_toll(an: Analysis, figures: list[Figure], published: dt.date | None = None) -> list[Figure]:
    """Mark ``toll`` and ``suspects`` on ``figures``; return them (in text order) with any derived injured
    figure and the attacker's own death."""
    figures = sorted([*figures], key=lambda f: f.number.start)
    for f in figures:
        if f.victims and _SUSPECT.search(f.victims):
            f.suspects = True
    usable = [
        f
        for f in figures
        if not (f.cumulative or f.subset or f.suspects or _aside(an, f))
        and not _other_event(an, f, published)
    ]
    best_killed = _best(
        an, [(sum(map(_value, u)), u) for u in _units(an, _of(usable, CasualtyCategory.KILLED))]
    )
    killed = best_killed[1] if best_killed else []
    n_killed = sum(_value(f) for f in killed)
    # "four dead" in the headline, "four people were dead, including the shooter" in the lead: one claim
    same = (
        [f for f in _of(usable, CasualtyCategory.KILLED) if _value(f) == n_killed]
        if len(killed) == 1
        else killed
    )
    including = any(_INCLUDING_SUSPECT.match(an.text, f.number.end) for f in same)
    for f in killed:
        f.toll = True
        if including and not _SUSPECT.search(f.victims or ""):
            f.victims = f"{f.victims or 'people'}{_INCLUDED}"
    out = list(figures)
    candidates: list[tuple[int, list[Figure]]] = []
    for unit in _units(an, _of(usable, CasualtyCategory.INJURED)):
        value = sum(_value(f) for f in unit)
        others = any((f.victims or "").startswith("other") for f in unit)
        if unit[0].hit and n_killed and not others:
            value = max(0, value - n_killed)  # "4 shot, 1 dead": three injured (fewer shot than dead: none)
        candidates.append((value, unit))
    best = _best(an, candidates)
    if best is not None:
        value, unit = best
        if unit[0].hit and value != sum(_value(f) for f in unit):
            n_hit = sum(_value(f) for f in unit)
            out[out.index(unit[0])] = _derived_injured(an, unit, killed, value)
            # the other statements of the same "N shot" are that claim, not N injured
            out = [
                f
                for f in out
                if not (f.hit and f.category is CasualtyCategory.INJURED and _value(f) == n_hit)
            ]
        else:
            for f in unit:
                f.toll = True
    own = _self_inflicted(an, out)
    if own and not any(
        f.toll and f.sentence == own[0].sentence and f.number.end <= own[0].number.start for f in killed
    ):
        own = []  # only "killed two ... before shooting himself": elsewhere the toll may already count him
    return sorted([*out, *own], key=lambda f: f.number.start)


def _same_claim(a: Figure, b: Figure) -> bool:
    na, nb = a.number, b.number
    same_number = (na.count, na.count_min, na.count_max, na.qualifier) == (
        nb.count,
        nb.count_min,
        nb.count_max,
        nb.qualifier,
    )
    va, vb = (v.removesuffix(_INCLUDED).lower() if v else None for v in (a.victims, b.victims))
    victims = va is None or vb is None or va == vb
    reporter = (a.reported_by or "").lower() == (b.reported_by or "").lower() or not (
        a.reported_by and b.reported_by
    )
    flags = (a.cumulative, a.subset, a.suspects, a.hit) == (b.cumulative, b.subset, b.suspects, b.hit)
    return a.category is b.category and same_number and victims and reporter and flags


def one_per_reporter(figures: list[Figure]) -> list[Figure]:
    """One figure per claim: the headline's "one dead" and the lead's "one man dead" are one figure (the
    first statement, with the victims the later one names), marked toll when either was."""
    kept: list[Figure] = []
    for f in figures:
        twin = next((k for k in kept if _same_claim(k, f)), None)
        if twin is None:
            kept.append(f)
            continue
        twin.toll = twin.toll or f.toll
        twin.victims = twin.victims or f.victims
    return kept
