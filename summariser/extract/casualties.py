"""Casualty figures: one entry per reported figure (killed, injured, missing, displaced, detained), with
qualifier, victims and who reported it (disagreeing figures: ``discrepancies``).

Hospital figures: "20 people were taken to hospital" alone is not counted as injured (people are also taken
to hospital in shock, or to be checked, and a hospital count is not comparable with a wounded count: it
would make false discrepancies). It counts as injured only when the text says injuries: "taken to hospital
with injuries", "treated for wounds"; such a count is a lower bound of the injured, so it never makes a
discrepancy with a wounded count. "Detained in hospital" is not an arrest.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..schema.brief import CasualtyCategory, Qualifier
from .nlp import Analysis
from .numbers import NumberPhrase, find_numbers
from .reporters import Reporter, clause_at
from .sources import Citation

__all__ = ["Figure", "find_casualties"]

_CATEGORY = {
    "killed": CasualtyCategory.KILLED,
    "killing": CasualtyCategory.KILLED,
    "died": CasualtyCategory.KILLED,
    "dead": CasualtyCategory.KILLED,
    "deaths": CasualtyCategory.KILLED,
    "death": CasualtyCategory.KILLED,
    "fatalities": CasualtyCategory.KILLED,
    "lives": CasualtyCategory.KILLED,
    "perished": CasualtyCategory.KILLED,
    "bodies": CasualtyCategory.KILLED,
    "slain": CasualtyCategory.KILLED,
    "massacred": CasualtyCategory.KILLED,
    "executed": CasualtyCategory.KILLED,
    "injured": CasualtyCategory.INJURED,
    "wounded": CasualtyCategory.INJURED,
    "hurt": CasualtyCategory.INJURED,
    "hospitalized": CasualtyCategory.INJURED,
    "hospitalised": CasualtyCategory.INJURED,
    "injuring": CasualtyCategory.INJURED,
    "injures": CasualtyCategory.INJURED,
    "wounding": CasualtyCategory.INJURED,
    "injuries": CasualtyCategory.INJURED,
    "missing": CasualtyCategory.MISSING,
    "unaccounted": CasualtyCategory.MISSING,
    "displaced": CasualtyCategory.DISPLACED,
    "fled": CasualtyCategory.DISPLACED,
    "homeless": CasualtyCategory.DISPLACED,
    "evacuated": CasualtyCategory.DISPLACED,
    "uprooted": CasualtyCategory.DISPLACED,
    "detained": CasualtyCategory.DETAINED,
    "arrested": CasualtyCategory.DETAINED,
    "abducted": CasualtyCategory.DETAINED,
    "kidnapped": CasualtyCategory.DETAINED,
    "captured": CasualtyCategory.DETAINED,
    "taken hostage": CasualtyCategory.DETAINED,
}
_SHOT_KILLED = (
    r"shot to death|shot dead|shot and killed|fatally (?:shot|wounded|injured|struck|stabbed)|gunned down|"
    r"pronounced dead|found dead|found slain|homicides|murders|slayings|killings|shooting deaths|"
    r"murdered|stabbed to death|beaten to death"
)
_SHOT_INJURED = r"shot and (?:wounded|injured)"
_SHOT_HIT = (
    r"shot|struck by (?:gunfire|bullets)|hit by (?:gunfire|bullets)|"
    r"(?:suffered|with|had|sustained) (?:[\w-]+ ){0,2}?gunshot wounds?"
)
_AFTER_VERB = (
    rf"{_SHOT_KILLED}|{_SHOT_INJURED}|{_SHOT_HIT}|fatally|"
    r"killed|died|dead|perished|bodies|slain|massacred|executed|injured|wounded|hurt|hospitali[sz]ed|missing|unaccounted|"
    r"displaced|fled|homeless|evacuated|uprooted|detained|arrested|abducted|kidnapped|captured|"
    r"taken hostage|deaths|fatalities|injuries"
)
_AUX = (
    r"(?:were|was|have|has|had|been|are|is|being|reportedly|also|all|later"
    r"|allegedly|confirmed|feared|left|now|went|gone|remain|remained|remain)"
)
_AFTER = re.compile(
    rf"^\s+(?P<vict>(?:(?!(?:{_AUX}|and|or|but|while|as|than)\b)[A-Za-z'’-]+\s+){{0,4}}?)(?:{_AUX}\s+)*"
    rf"(?P<verb>{_AFTER_VERB})\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"\b(?P<verb>killing|killed|kills|kill|wounding|wounded|fatally shot|shot and killed|shot and wounded|"
    r"shooting|shot|murdering|murdered|(?:the )?(?:homicides|murders|killings|slayings|shooting deaths) of|"
    r"injuring|injures|injured|left|leaving|claimed the lives of|"
    r"death toll (?:\w+\s+){0,3}?(?:to|at|of)|(?:the )?deaths of|the lives of|bodies of|displacing|displaced|"
    r"arrested|detained|abducted|kidnapped)"
    r"(?:\s+(?:another|a further|an additional|at least|more than|about|some|nearly|almost|up to|around))?"
    r"\s*$",
    re.IGNORECASE,
)
_UNITS_AFTER = re.compile(
    r"^\s*(?:%|percent|per cent|years?|months?|weeks?|days?"
    r"|hours?|minutes?|km|kilometres?|kilometers?|miles?|"
    r"metres?|meters?|feet|times|a\.m(?=\.)|p\.m(?=\.)|am|pm|dollars"
    r"|euros|pounds|\$|million dollars|bn|billion|points?|"
    r"votes?|seats?|tons?|tonnes?|kg)\b",
    re.IGNORECASE,
)
_HOSPITAL_INJURED = re.compile(
    rf"^\s+(?P<vict>(?:(?!(?:{_AUX}|and|or|but)\b)[A-Za-z'’-]+\s+){{0,3}}?)(?:{_AUX}\s+)*"
    r"(?P<verb>(?:taken|rushed|brought|admitted|evacuated) to (?:a |the |local |nearby )?hospitals?"
    r"(?: in [A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?)? (?:with|for|suffering(?: from)?)|treated for)"
    r"\s+(?:[\w-]+\s+){0,2}?(?:injuries|wounds|burns|fractures)\b",
    re.IGNORECASE,
)
_IN_HOSPITAL = re.compile(r"\s+in\s+(?:a\s+|the\s+)?hospitals?\b", re.IGNORECASE)
_CUMULATIVE = re.compile(
    r"\b(?:since (?:19|20)\d\d|since the (?:start|beginning)|civil war|the war has|the conflict has|"
    r"so far this year|in total|overall|the war,|the conflict,|"
    r"(?:spate|series|string|rash) of (?:[\w-]+ ){0,3}?(?:shootings|homicides|killings)|"
    r"(?:span|stretch|period) (?:[\w-]+ ){0,4}?in which)",
    re.IGNORECASE,
)
_VICTIM_CUT = re.compile(
    r"\s+(?:in|at|on|from|by|during|after|near|when|who|and|since|as|were|was)\b.*$", re.IGNORECASE
)


_KILLED_VERB = re.compile(
    rf"(?:{_SHOT_KILLED}|fatally)$|(?:the )?(?:homicides|murders|killings|slayings|shooting deaths) of$"
    r"|murder|fatally shot|shot and killed",
    re.IGNORECASE,
)
_INJURED_VERB = re.compile(rf"(?:{_SHOT_INJURED})$|shot and wounded$", re.IGNORECASE)
_HIT_VERB = re.compile(rf"(?:{_SHOT_HIT}|shooting)$", re.IGNORECASE)


def verb_category(verb: str) -> tuple[CasualtyCategory | None, bool]:
    """The category a casualty verb or noun gives, and whether it only says "hit" ("shot": the dead may be
    among them)."""
    low = verb.lower()
    if _KILLED_VERB.match(low):
        return CasualtyCategory.KILLED, False
    if _INJURED_VERB.match(low):
        return CasualtyCategory.INJURED, False
    if _HIT_VERB.match(low):
        return CasualtyCategory.INJURED, True
    return _CATEGORY.get(low), False


@dataclass
class Figure:
    category: CasualtyCategory
    number: NumberPhrase
    victims: str | None
    reported_by: str | None
    cumulative: bool
    sentence: int = -1
    subset: bool = False  # 'six of the dead were women': a breakdown, not a rival count
    reporter: Reporter | None = None  # the reporter's phrase as written (for sources)
    hit: bool = False  # "shot": hit by gunfire, the dead possibly among them (counted as injured)
    described: bool = False  # no number: "a man was killed", "a double homicide"
    toll: bool = False  # the event's best-supported figure of its category (or one of its parts)
    suspects: bool = False  # the dead or wounded are the suspected attackers


def _victims(raw: str) -> str | None:
    v = _VICTIM_CUT.sub("", " " + raw.strip()).strip(" ,")
    v = re.sub(r"^(?:of\s+)?(?:them|whom|the|those)$", "", v, flags=re.IGNORECASE).strip()
    v = re.sub(r"^of\s+(?:the|her|his|their|its)\s+", "", v, flags=re.IGNORECASE)
    v = re.sub(r"^(?:other|others)$", "others", v)
    if _LEADING_FUNCTION.match(v):
        return None
    return v or None


_LEADING_FUNCTION = re.compile(r"(?:in|at|on|from|by|of|to|for|with|the|a|an)\b", re.IGNORECASE)
_SUBSET = re.compile(
    r"\s+of\s+(?:the|them|those)\b(?:\s+(?:dead|killed|victims|wounded|injured))?", re.IGNORECASE
)
_SUBSET_WHO = re.compile(r"\s+(?:were|was)\s+(?P<who>[a-z]+(?:\s+(?!of\b|from\b|in\b)[a-z]+)?)\b")
_AND_NEXT = re.compile(
    r"\s+(?:[A-Za-z'’-]+\s+){1,3}?(?:and|or|&)\s+$|\s+[A-Za-z'’-]+(?:\s+[A-Za-z'’-]+)?,\s+$"
)


def _category_after(
    an: Analysis, num: NumberPhrase, sent_end: int
) -> tuple[CasualtyCategory | None, str | None, bool]:
    text = an.text
    after = _AFTER.match(text[num.end : sent_end]) or _HOSPITAL_INJURED.match(text[num.end : sent_end])
    if not after:
        return None, None, False
    if _IN_HOSPITAL.match(text, num.end + after.end()):
        return None, None, False  # "detained in hospital": kept for treatment, not arrested
    verb = after.group("verb").lower()
    category, hit = verb_category(verb)
    if verb.startswith(("taken", "treated")):
        category, hit = CasualtyCategory.INJURED, False
    vict = after.group("vict").rstrip()
    victims = _victims(vict)
    last_word = num.end + after.start("vict") + vict.rfind(" ") + 1
    if victims and not an.tag_at(last_word).startswith(("NN", "PRP")):
        victims = None
    if victims and len(victims.split()) > 3:
        return None, None, False
    return category, victims, hit


def _category_before(
    text: str, num: NumberPhrase, sent_start: int, sent_end: int
) -> tuple[CasualtyCategory | None, str | None, bool]:
    before = _BEFORE.search(text[max(sent_start, num.start - 60) : num.start])
    if not before:
        return None, None, False
    verb = before.group("verb").lower()
    hit = False
    category: CasualtyCategory | None
    if verb.startswith(("death toll", "claimed the lives", "the deaths", "deaths of", "the lives", "bodies")):
        category = CasualtyCategory.KILLED
    elif verb in ("left", "leaving"):
        tail = re.match(
            r"\s+(?:[a-z]+\s+){0,2}?(dead|injured|wounded|homeless|missing)\b", text[num.end : sent_end]
        )
        category = _CATEGORY.get(tail.group(1)) if tail else None
    elif verb in ("kills", "kill"):
        category = CasualtyCategory.KILLED
    else:
        category, hit = verb_category(verb)
    vm = re.match(r"\s+((?:[A-Za-z'’-]+\s*){1,3})", text[num.end : sent_end])
    return category, (_victims(vm.group(1)) if vm else None), hit


_MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+$")
_ONE_VICTIM = re.compile(
    r"\s+(?:person|people|man|woman|child|civilian|soldier|teen|boy|girl|victim|fatally|critically|"
    r"(?:\w+\s+)?(?:dead|killed|slain|injured|wounded|hurt|shot)\b|"
    r"of (?:whom|them|the victims)|(?:later )?died|(?:was|is) (?:killed|dead|pronounced|injured|wounded))",
    re.IGNORECASE,
)


_VERB_BEFORE = re.compile(r"\b(?:killing|killed|wounding|wounded|injuring|injured)\s+$")


_ADDRESS_BEFORE = re.compile(
    r"\b(?:Highway|Hwy\.?|Route|Rt\.?|Interstate|I-|State Road|County Road|Road|Street|Avenue|No\.|"
    r"Apt\.?|Apartment|Room|Suite|Unit|Box|Exit|Mile|Channel|Flight|Bus|bus|Building|Lot)\s*$"
)
_ADDRESS_AFTER = re.compile(
    r"\s+(?:block\b|blk\b|(?!(?:People|Dead|Killed|Injured|Wounded|Hurt|Shot|Die[sd]?|Others|Men|Women|"
    r"Children|Kids|Teens|Victims|Officers|Civilians|Soldiers|Students)\b)[A-Z][a-z])"
)
_EMERGENCY_CALL = re.compile(r"\b(?:call(?:s|ed|ing)?|dial(?:s|ed|led|ing)?)\s+(?:to\s+)?$|\ba\s+$", re.I)


def _not_a_count(text: str, num: NumberPhrase) -> bool:
    """A house number ("the 2400 block", "on 1150 Elm"), a road ("Highway 81") or "911"."""
    if _ADDRESS_BEFORE.search(text, max(0, num.start - 16), num.start):
        return True
    digits = num.as_written.isdigit()
    if digits and len(num.as_written) >= 3 and _ADDRESS_AFTER.match(text, num.end):
        return True
    return num.as_written == "911" and (
        _EMERGENCY_CALL.search(text, max(0, num.start - 12), num.start) is not None
        or re.match(r"\s+(?:call|dispatch|operator|center|centre)", text[num.end : num.end + 12], re.I)
        is not None
    )


def _skip(text: str, num: NumberPhrase) -> bool:
    if num.count is not None and 1900 <= num.count <= 2100 and num.qualifier is Qualifier.EXACT:
        return True  # a year
    if _not_a_count(text, num):
        return True
    if _UNITS_AFTER.match(text[num.end : num.end + 40]) or (num.start > 0 and text[num.start - 1] in "$£€#"):
        return True
    if _MONTH_BEFORE.search(text, max(0, num.start - 12), num.start):
        return True  # a day of the month ("March 18")
    if re.search(r"\b(?:no|not)\s+$", text[max(0, num.start - 5) : num.start], re.IGNORECASE):
        return True  # "no one was injured"
    vague = num.as_written.lower() in ("one", "a few", "several")
    if not vague:
        return False
    # a bounded look back, never a scan of everything before the number (quadratic on long articles)
    after_verb = _VERB_BEFORE.search(text, max(0, num.start - 80), num.start)
    fired = re.search(
        r"\b(?:fired|heard|firing|fire|single|last|first)\s+$", text[max(0, num.start - 12) : num.start]
    )
    return bool(fired) or (not after_verb and not _ONE_VICTIM.match(text, num.end))


def _clause_citation(an: Analysis, citations: list[Citation], pos: int) -> Citation | None:
    cs, ce = clause_at(an, pos)
    return next((c for c in citations if cs <= c.at < ce), None)


def find_casualties(
    an: Analysis, citations: list[Citation], reporter: Callable[[int, int], Reporter | None] | None = None
) -> list[Figure]:
    """Casualty figures; a citation in the figure's clause ("according to X") names who reports it, else
    ``reporter(start, end)`` does."""
    text = an.text
    out: list[Figure] = []
    for sent_start, sent_end in an.sentences:
        found: list[Figure] = []
        unassigned: list[NumberPhrase] = []
        numbers = [n for n in find_numbers(text, sent_start, sent_end, lower=an.lower) if not _skip(text, n)]
        for num in reversed(numbers):  # right to left: 'Three soldiers and dozens of insurgents were killed'
            subset = _SUBSET.match(text, num.end)
            category, victims, hit = _category_after(an, num, sent_end)
            treated = bool(_HOSPITAL_INJURED.match(text[num.end : sent_end]))  # a lower bound, no rival
            if category is None:
                category, victims, hit = _category_before(text, num, sent_start, sent_end)
            if category is None and found:
                nxt = found[-1]
                joined = _AND_NEXT.fullmatch(text[num.end : nxt.number.start])
                if joined:
                    category, hit = nxt.category, nxt.hit
                    victims = _victims(
                        text[num.end : nxt.number.start].rsplit(" and ", 1)[0].rsplit(" or ", 1)[0]
                    )
            if category is None:
                unassigned.append(num)
                continue
            if (
                subset
                and category is CasualtyCategory.KILLED
                and not re.search(r"dead|killed", subset.group())
            ):
                subset = None  # 'two of the victims died': the dead among those hit, not a breakdown
            if subset and re.search(
                r"\b(?:left|leaving|leaves)\s+$", text[max(0, num.start - 10) : num.start]
            ):
                subset = None  # 'left one of them dead': the toll, not a breakdown
            num = _with_companion(text, num)
            if subset:
                who = _SUBSET_WHO.match(text, subset.end())
                victims = who.group("who") if who else None
            cite = _clause_citation(an, citations, num.start)
            rep = None if cite else (reporter(num.start, num.end) if reporter else None)
            by = cite.name if cite else (rep.name if rep else None)
            fig = Figure(
                category,
                num,
                victims,
                by,
                bool(_CUMULATIVE.search(text, sent_start, sent_end)),
                an.sentence_index(num.start),
                subset=bool(subset) or treated,
                reporter=rep,
                hit=hit,
            )
            found.append(fig)
        found.extend(_placed_parts(text, unassigned, found))
        out.extend(sorted(found, key=lambda f: f.number.start))
    return out


_COMPANION = re.compile(
    r"\b(?:a|an|the|one)\s+(?:[\w-]+\s+)?(?:man|woman|father|mother|dad|mom|husband|wife|grandmother|"
    r"grandfather|parent)\s+and\s+(?:his|her|their)\s+$",
    re.IGNORECASE,
)


def _with_companion(text: str, num: NumberPhrase) -> NumberPhrase:
    """'a father and his two children were found dead': the father is one more."""
    m = _COMPANION.search(text, max(0, num.start - 40), num.start)
    if m is None or num.count is None:
        return num
    return NumberPhrase(
        m.start(), num.end, text[m.start() : num.end], num.count + 1, None, None, num.qualifier
    )


_AND_PART = re.compile(r"\s+[A-Za-z'’-]+(?:\s+[A-Za-z'’-]+)?\s+(?:and|&)\s+")
_PLACE_PART = re.compile(r"\s+(?:in|at|near)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*,?\s+(?:and\s+)?")


def _placed_parts(text: str, numbers: list[NumberPhrase], found: list[Figure]) -> list[Figure]:
    """'killing 4 in Harwick and 1 in Lowden', 'wounding 2 officers and 3 others': a bare number after a
    figure and its place or its victims is another part of the same figure's category."""
    out: list[Figure] = []
    for num in sorted(numbers, key=lambda n: n.start):
        earlier = [f for f in [*found, *out] if f.number.end <= num.start]
        prev = max(earlier, key=lambda f: f.number.end, default=None)
        if prev is None:
            continue
        if _PLACE_PART.fullmatch(text, prev.number.end, num.start):
            out.append(dataclasses.replace(prev, number=num, victims=None, toll=False))
        elif prev.victims and _AND_PART.fullmatch(text, prev.number.end, num.start):
            # 'injuring 2 officers and 3 others': the second number shares the first one's verb
            vm = re.match(r"\s+((?:[A-Za-z'’-]+\s*){1,2})", text[num.end : num.end + 40])
            victims = _victims(vm.group(1)) if vm else None
            if victims:
                out.append(dataclasses.replace(prev, number=num, victims=victims, toll=False))
    return out
