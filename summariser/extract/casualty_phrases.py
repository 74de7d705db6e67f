"""Casualty figures stated without a number: "a double homicide" (2 killed), "a man was shot and killed"
(1 killed, the victim as described), "fatally shot her son and her husband" (2 killed), "killing him"
(1 killed). Each becomes a ``Figure`` whose ``as_written`` is the words that carry the count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..calendar_words import DAY_OR_MONTH
from ..schema.brief import CasualtyCategory, Qualifier
from .casualties import _CUMULATIVE, Figure
from .nlp import Analysis
from .numbers import NumberPhrase
from .reporters import Reporter

__all__ = ["phrase_figures"]

_MULTIPLE = {"double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
_MULTIPLE_RE = re.compile(
    r"\b(?P<n>double|triple|quadruple|quintuple)[- ](?P<what>homicide|murder|slaying|killing|fatal shooting|"
    r"shooting death|shooting)s?\b",
    re.IGNORECASE,
)
_PERSON = (
    r"(?:man|woman|men|women|person|boy|girl|teen|teenager|child|toddler|baby|infant|"
    r"(?:step|grand)?(?:son|daughter|mother|father)|wife|mom|dad|"
    r"husband|mother|father|brother|sister|friend|girlfriend|boyfriend|neighbou?r|victim|grandmother|"
    r"grandfather|cousin|uncle|aunt|nephew|niece|roommate|officer|deputy|trooper|student|clerk|"
    r"customer|employee|driver|resident|youth|juvenile|security guard|guard|bystander|relative|"
    r"cashier|worker|owner|manager|patron|passenger|pedestrian|motorist|shopper|teacher|coach|nurse|"
    r"\d{1,2}-year-old|suspect|gunman|shooter|attacker|assailant|robber|intruder)"
)
_PASSIVE_DEATH = (
    r"(?:fatally (?:shot|wounded|stabbed|struck)|shot (?:and killed|to death|dead)|killed|"
    r"pronounced dead|found dead|murdered|slain|gunned down|stabbed to death|beaten to death)"
)
_ONE = r"(?:a|an|the|one)\s+(?:[\w-]+\s+){0,3}?" + _PERSON
_ONE_DEAD = re.compile(
    rf"(?<![\w-])(?P<who>{_ONE})\s+(?:(?:who\s+)?(?:was|has been|had been|is)\s+(?:\w+\s+)?{_PASSIVE_DEATH}"
    r"|(?:later\s+)?(?:died|dies)\b"
    r"|(?:was|had been)\s+[^.;]{0,80}?\b(?:and|but)\s+(?:was\s+)?later\s+(?:died|pronounced dead))",
    re.IGNORECASE,
)
_VICTIM_NP = (
    rf"(?:(?:his|her|their|a|an|the)\s+(?:[\w-]+\s+){{0,3}}?{_PERSON}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
_VICTIM_NP_LATER = (
    r"(?!(?:whose|who|which|that|then|saying|says|said|while|when)\b)"
    rf"(?:(?:(?:his|her|their|a|an|the)\s+)?(?:[\w-]+\s+){{0,2}}?{_PERSON}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
_HEADLINE_ONE = re.compile(
    r"^(?:[\w:'’-]+\s+){0,5}?(?P<who>(?:teen|man|woman|boy|girl|child|toddler|deputy|officer|trooper|"
    r"\d{1,2}-year-old))\s+(?:dies|killed|slain|shot dead|shot to death|fatally shot)\b"
    r"(?!\s+(?:\d|his|her|their|a|an|the|two|three|four|five|six)\b)",
    re.IGNORECASE,
)
_NAMED_DEAD = re.compile(
    rf"(?<![\w-])(?P<who>(?:[A-Z][a-z]+\s+){{0,2}}[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{1,2}}),?"
    rf"(?:\s+\d{{1,2}},)?\s+(?:was|had been)\s+(?:\w+\s+)?{_PASSIVE_DEATH}\b"
)
_DEATH_OF = re.compile(
    r"\b(?:(?:shooting |stabbing )?death|murder|killing|slaying|homicide|fatal (?:shooting|stabbing)) of\s+"
    rf"(?P<who>(?:his|her|their|a|an)\s+(?:[\w-]+\s+){{0,3}}?{_PERSON}|(?:\d{{1,2}}-year-old\s+)?"
    r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})\b(?!\s+and\b|,\s+[A-Z])"
    rf"|\b(?P<who2>{_PERSON})['’]s\s+(?:shooting\s+)?death\b",
)
_LIST_DEAD = re.compile(
    rf"(?P<who>{_VICTIM_NP}(?:(?:,\s+|,?\s+and\s+){_VICTIM_NP_LATER})+)\s+(?:were|are)\s+"
    r"(?:found\s+)?(?:dead|killed|shot dead|shot to death|slain)\b",
)
_HURT_VERB = r"(?P<v>injured|wounded|hurt|shot|hospitali[sz]ed|struck by (?:gunfire|a bullet|a stray bullet))"
_NOT_DEAD = r"(?!\s+(?:and\s+killed|to\s+death|dead|fatally)\b)"
_ONE_HURT = re.compile(
    rf"(?<![\w-])(?P<who>{_ONE})\s+(?:who\s+)?(?:was|has been|is)\s+(?:\w+\s+)?{_HURT_VERB}\b{_NOT_DEAD}",
    re.IGNORECASE,
)
_HEADLINE_PERSON = (
    r"(?:an?\s+|one\s+)?(?:\d{1,2}-year-old\s+)?(?:child|man|woman|boy|girl|teen|"
    r"toddler|officer|deputy|student|baby|infant|\d{1,2}-year-old)"
)
_HEADLINE_HURT = re.compile(
    rf"(?:^|,\s+|\band\s+|\b(?:after|as|when)\s+)(?P<who>{_HEADLINE_PERSON}(?:(?:,\s+|,?\s+(?:and|&)\s+)"
    rf"{_HEADLINE_PERSON})*)\s+" + _HURT_VERB + r"\b"
    r"(?!\s+(?:\d|his|her|their|a|an|the|two|three|four|five|six)\b)",
    re.IGNORECASE,
)
_HURT_LIST = re.compile(
    r"\b(?P<v>(?:the\s+)?shooting\s+of|shot|wounded|injured|wounding|injuring)\s+"
    rf"(?P<who>{_VICTIM_NP}(?:(?:,\s+|,?\s+and\s+){_VICTIM_NP_LATER})+)",
)
_KILLING_PRONOUN = re.compile(
    r"\b(?:killing|killed|fatally (?:shot|wounding|wounded)|shot and killed|murdered|murdering)\s+"
    r"(?P<who>him|her)\b(?!self)",
    re.IGNORECASE,
)
_KILLED_LIST = re.compile(
    rf"\b(?:fatally shot|shot and killed|shot to death|killed|murdered|killing|stabbed to death)\s+"
    rf"(?P<who>{_VICTIM_NP}(?:(?:,\s+|,?\s+and\s+){_VICTIM_NP_LATER})+)",
)
_POSSESSED = rf"(?:his|her|their|a|an|the)\s+(?:[\w-]+\s+){{0,3}}?{_PERSON}"
_KILLED_ONE = re.compile(
    r"\b(?:(?:fatally shot|shot and killed|killed|murdered|killing|stabbed to death)\s+"
    rf"(?P<who>{_POSSESSED})\b"
    rf"|shot\s+(?P<who2>{_POSSESSED})\s+(?:to death|dead)\b)",
    re.IGNORECASE,
)
_SUSPECT = re.compile(r"\b(?:suspect|gunman|shooter|attacker|assailant|robber|intruder)\b", re.IGNORECASE)
_SLAIN_SUSPECT = re.compile(
    r"\b(?:the|a)\s+(?:slain|dead|deceased)\s+(?P<who>suspect|gunman|shooter|attacker|assailant|robber|intruder)\b",
    re.IGNORECASE,
)
_NAME_DIED = re.compile(
    r"(?<![\w-])(?P<who>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\s+(?:later\s+)?died\s+(?:from|of)\s+"
    r"(?:his|her|their)\s+(?:gunshot\s+)?(?:wounds|injuries)\b"
)
_LEFT_DEAD = re.compile(
    rf"\b(?:left|leaving|leaves)\s+(?P<who>{_POSSESSED}|(?:[A-Z][a-z]+\s+){{0,2}}[A-Z][a-z]+)\s+dead\b"
)
_NOT_A_VICTIM = re.compile(rf"(?:{DAY_OR_MONTH}|Police|Officials|Authorities)\b")


def _list_parts(text: str, start: int, who: str) -> tuple[int, list[str]]:
    """The victims of a list ("his wife, his son and a neighbour"): a capitalised first item right after a
    preposition is a place or a name of something ("caught on Facebook Live, a boy and a man"), a day or
    month is a date: neither is a victim. Returns the list's new start and its items."""
    parts = [p for p in re.split(r",\s+|,?\s+(?:and|&)\s+", who) if p.strip()]
    while parts and (
        _NOT_A_VICTIM.match(parts[0])
        or (
            parts[0][:1].isupper()
            and re.search(r"\b(?:on|in|at|from|to|by|with|via|for)\s+$", text[max(0, start - 6) : start])
        )
    ):
        nxt = text.find(parts[1], start + len(parts[0])) if len(parts) > 1 else -1
        if nxt < 0:
            return start, []
        start, parts = nxt, parts[1:]
    return start, parts


_WORD_COUNT = {1: "one"}


def _figure(
    an: Analysis,
    category: CasualtyCategory,
    start: int,
    end: int,
    count: int,
    victims: str | None,
    reporter: Callable[[int, int], Reporter | None] | None,
    *,
    hit: bool = False,
) -> Figure:
    text = an.text
    sent_start, sent_end = an.sentence_at(start)
    rep = reporter(start, end) if reporter else None
    num = NumberPhrase(start, end, text[start:end], count, None, None, Qualifier.EXACT)
    fig = Figure(
        category,
        num,
        victims,
        rep.name if rep else None,
        bool(_CUMULATIVE.search(text, sent_start, sent_end)),
        an.sentence_index(start),
        reporter=rep,
        hit=hit,
        described=True,
    )
    fig.suspects = bool(victims and _SUSPECT.search(victims))
    return fig


def _hurt(verb: str) -> tuple[CasualtyCategory, bool]:
    """'shot', 'struck by gunfire', 'the shooting of': hit (the dead may be among them); else injured."""
    return CasualtyCategory.INJURED, verb.lower().startswith(("shot", "struck", "the shooting", "shooting"))


def _victim_words(who: str) -> str:
    return re.sub(r"^(?:a|an|the|one|his|her|their)\s+", "", who.strip(), flags=re.IGNORECASE)


def phrase_figures(
    an: Analysis, figures: list[Figure], reporter: Callable[[int, int], Reporter | None] | None = None
) -> list[Figure]:
    """Figures written without a number; none overlapping a figure already found."""
    text = an.text
    taken = [(f.number.start, f.number.end) for f in figures]
    out: list[Figure] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken) and not an.in_quote(s)

    for m in _MULTIPLE_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        what = m.group("what").lower()
        hit = what == "shooting"
        category = CasualtyCategory.INJURED if hit else CasualtyCategory.KILLED
        n = _MULTIPLE[m.group("n").lower()]
        out.append(_figure(an, category, m.start("n"), m.end("n"), n, None, reporter, hit=hit))
        taken.append((m.start(), m.end()))
    for m in [*_KILLED_LIST.finditer(text), *_LIST_DEAD.finditer(text)]:
        s, e = m.start("who"), m.end("who")
        s, parts = _list_parts(text, s, m.group("who"))
        if len(parts) < 2 or not free(s, e):
            continue
        out.append(_figure(an, CasualtyCategory.KILLED, s, e, len(parts), None, reporter))
        taken.append((s, e))
    for m in _ONE_DEAD.finditer(text):
        s, e = m.start("who"), m.end("who")
        back_reference = re.match(r"(?i)the\s", m.group("who")) and not _SUSPECT.search(m.group("who"))
        if not free(s, e) or (back_reference and figures):
            continue  # "the victim died" refers back to a figure already counted ("the suspect" does not)
        victims = _victim_words(m.group("who"))
        out.append(_figure(an, CasualtyCategory.KILLED, s, e, 1, victims, reporter))
        taken.append((s, e))
    first_line = text.split("\n", 1)[0]
    for m in _SLAIN_SUSPECT.finditer(text):
        s, e = m.start(), m.end()
        if free(s, e):
            out.append(_figure(an, CasualtyCategory.KILLED, s, e, 1, m.group("who").lower(), reporter))
            taken.append((s, e))
    singles = [
        *_KILLED_ONE.finditer(text),
        *_NAMED_DEAD.finditer(text),
        *_DEATH_OF.finditer(text),
        *_NAME_DIED.finditer(text),
        *_LEFT_DEAD.finditer(text),
    ]
    for m in [*singles, *([h] if (h := _HEADLINE_ONE.match(first_line)) else [])]:
        group = "who2" if m.groupdict().get("who2") else "who"
        s, e = m.start(group), m.end(group)
        if free(s, e):
            out.append(_figure(an, CasualtyCategory.KILLED, s, e, 1, _victim_words(m.group(group)), reporter))
            taken.append((s, e))
    for m in _ONE_HURT.finditer(text):
        s, e = m.start("who"), m.end("who")
        if free(s, e) and not (re.match(r"(?i)the\s", m.group("who")) and figures):
            cat, hit = _hurt(m.group("v"))
            out.append(_figure(an, cat, s, e, 1, _victim_words(m.group("who")), reporter, hit=hit))
            taken.append((s, e))
    for m in [*_HEADLINE_HURT.finditer(first_line), *_HURT_LIST.finditer(text)]:
        s, e = m.start("who"), m.end("who")
        s, parts = _list_parts(text, s, m.group("who"))
        if not parts or not free(s, e):
            continue
        cat, hit = _hurt(m.group("v"))
        described = _victim_words(m.group("who")) if len(parts) == 1 else None
        out.append(_figure(an, cat, s, e, len(parts), described, reporter, hit=hit))
        taken.append((s, e))
    for m in _KILLING_PRONOUN.finditer(text):
        s, e = m.start("who"), m.end("who")
        if free(s, e):
            out.append(_figure(an, CasualtyCategory.KILLED, s, e, 1, None, reporter))
            taken.append((s, e))
    return out
