"""Named suspects in crime reports: people identified, arrested, charged or convicted, and the attacker the
report names ("police identified the suspect as X", "X, 23, was charged with murder", "the gunman, X,"),
each with how certain the report is (suspected / charged / convicted, or confirmed when the report states
the act plainly) and who says so ("police", "prosecutors"). Unnamed attackers are kept as described ("a
gunman", "two men in a car") when the report names none.
"""

from __future__ import annotations

import re

from ..calendar_words import DAY_OR_MONTH
from ..schema.brief import ActorKind, Certainty
from .actors import ActorIndex
from .nlp import Analysis
from .perpetrators import Perp
from .suspect_rules import (
    AFTER_NAME,
    AGE,
    NAME,
    ROLE,
    age_linked,
    coordinated,
    identified_victims,
    more_hits,
    official,
    victim_mention,
)

__all__ = ["RANK", "find_suspects", "merge_perpetrators"]

RANK = {
    Certainty.CONVICTED: 6,
    Certainty.CHARGED: 5,
    Certainty.CONFIRMED: 4,
    Certainty.CLAIMED: 3,
    Certainty.DENIED: 2,
    Certainty.SUSPECTED: 1,
    Certainty.UNKNOWN: 0,
}
_NAME = NAME
_AGE = AGE
_AFTER_NAME = AFTER_NAME
_ROLE = ROLE
_VERB_CERTAINTY = [
    (r"(?:pleaded |pled )?not guilty|pleaded innocent", Certainty.CHARGED),  # before "guilty"
    (r"convicted|sentenced|found guilty|pleaded guilty|pled guilty|guilty", Certainty.CONVICTED),
    (
        r"charged|charges?|indicted|indictment|arraign\w*|counts? of|accused|facing|faces|booked on|held on|"
        r"pleaded not guilty|pled not guilty|pleaded innocent|"
        r"being held|held without|"
        r"(?:has\s+)?remained behind bars|behind bars|in jail|jailed",
        Certainty.CHARGED,
    ),
    (
        r"arrested|booked|taken into custody|in custody|detained|apprehended|surrendered"
        r"|turned (?:him|her)self in|turned themselves in"
        r"|identified as|named as|wanted|sought|being sought|a suspect|the suspect|a person of interest",
        Certainty.SUSPECTED,
    ),
]
_PASSIVE = re.compile(
    _NAME + _AFTER_NAME + r"(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    r"(?:[,;]?\s+and\s+(?:a|an|one|another|two|three)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:juvenile|teen|teenager|minor|boy|girl|man|woman|men|suspect)s?)?"
    + r"\s+(?:(?:was|has been|had been|is|were|have been|remains?)\s+)?(?:later\s+|also\s+|now\s+)?"
    r"(?P<verb>convicted|sentenced|found guilty|pleaded guilty|pled guilty|charged|indicted|arraigned|"
    r"accused|"
    r"facing|faces|arrested|booked|taken into custody|in custody|detained|apprehended|surrendered|"
    r"turned (?:him|her)self in|turned themselves in|"
    r"identified as (?:the|a) " + _ROLE + r"|named as (?:the|a) " + _ROLE + r"|"
    r"wanted|being sought|a suspect|the suspect|a person of interest|being held|held on|held without|"
    r"(?:has\s+)?remained behind bars|behind bars|in jail|jailed|pleaded not guilty|pled not guilty|"
    r"pleaded innocent|suspected of|believed to have (?:shot|killed|fired|opened fire))\b"
)
_ACTIVE = re.compile(
    r"\b(?P<verb>arrested|charged|indicted|convicted|sentenced|booked|detained|apprehended|the arrest of|"
    r"identified (?:the )?"
    + _ROLE
    + r"s? as|named (?:the )?"
    + _ROLE
    + r"s? as|"
    + _ROLE
    + r"s?,?\s+(?:(?:has|had)\s+been\s+|was\s+|is\s+)?(?:later\s+)?identified\s+(?:\w+\s+){0,5}?as|"
    r"(?:possible\s+|other\s+)?" + _ROLE + r"\s+(?:is|was)|finds|found|charges against|charging|"
    r"(?:searching|looking|hunting) for|(?:a\s+)?warrant for|manhunt for)\s+" + _AGE + _NAME
)
_IDENTIFIED_AS_SUSPECT = re.compile(
    r"\bidentified\s+" + _NAME + _AFTER_NAME + r"\s+as\s+(?:the|a)\s+(?:possible\s+)?" + _ROLE
)
# "... pointed to a possible suspect. That person was identified as 27-year-old X": the role is in the
# sentence before (checked in find_suspects)
_THAT_PERSON = re.compile(
    r"\b(?:That|This)\s+(?:person|man|woman|individual|teen|teenager)\s+(?:was|has been|had been)\s+"
    r"(?:later\s+)?identified\s+as\s+" + _AGE + _NAME
)
_ROLE_BEFORE = re.compile(r"\b(?:" + _ROLE + r"|person of interest)s?\b", re.I)
# a booking-photo caption: "X, 36, of Town. (Courtesy, Town Police Department)"
_MUGSHOT = re.compile(
    r"^[ \t]*" + _NAME + r",\s*\d{1,2},?\s+(?:of|from)\s+[A-Z][\w .'’-]{1,40}?\.?\s*"
    r"\((?:Photo|Courtesy|Image|Credit|Source|Provided)[^)\n]{0,60}?"
    r"(?:Police|Sheriff|Jail|Corrections|Department|Marshal|booking)[^)\n]{0,40}\)",
    re.M,
)
_AND_NAME = re.compile(r"(?:,\s*\d{1,3},?)?\s*(?:,\s*)?and\s+" + _AGE + _NAME)
_NAME_AND = re.compile(_NAME + r"(?:,\s*\d{1,3},?)?\s*(?:,\s*)?and\s+$")
_APPOSITION = re.compile(
    r"\b(?:the|a|an|alleged|suspected|murder|shooting|homicide|robbery)\s+"
    + _ROLE
    + r"s?(?:,\s*|\s+)(?:identified as\s+)?"
    + _AGE
    + _NAME
)
_ACTOR_VERB = re.compile(
    _NAME + _AFTER_NAME + r"(?:\s+who(?:\s+(?:police|authorities|officials|investigators|prosecutors)\s+"
    r"(?:say|said|believe))?)?\s+(?P<hedge>(?:allegedly|reportedly|then|later|apparently)\s+)?"
    r"(?P<verb>shot|killed|fatally shot|opened fire|stabbed|murdered|gunned down|fired (?:at|into|shots)|"
    r"turned the gun on (?:him|her)self|took (?:his|her) own life|committed suicide|"
    r"taking (?:his|her) own life|"
    r"(?:began|started) (?:firing|shooting)|"
    r"(?:retrieved|grabbed|pulled(?: out)?|produced) (?:a|an|his|her) (?:gun|handgun|pistol|rifle|shotgun|"
    r"firearm|weapon) and (?:began|started|opened|fired|shot))\b"
    r"(?!\s+(?:to death|dead|in the (?:head|chest|back|leg|arm|neck))\b)"
)
_HEDGED = re.compile(
    r"\b(?:allegedly|reportedly|police said|police say|according to|suspected|accused)\b", re.I
)
_SAYER = re.compile(
    r"\b(?:according to|said|say|says|told)\s+"
    r"(?P<who>(?:the\s+)?(?:[A-Z][\w'’]*\s+){0,4}?(?:police|[Pp]olice|"
    r"authorities|prosecutors|officials|deputies|investigators|detectives|Sheriff's Office|sheriff|"
    r"District Attorney|State Police|[A-Z]\w*PD))\b"
    r"|\b(?P<who2>(?:[A-Z][\w'’]*\s+){0,4}?(?:[Pp]olice|[Aa]uthorities|[Pp]rosecutors|[Oo]fficials|[Dd]eputies|"
    r"[Ii]nvestigators|[Dd]etectives|Sheriff's Office))\s+(?:said|say|says|believe|allege|identified|"
    r"arrested|charged|named)\b"
)
_NOT_NAME = re.compile(
    r"\b(?:Police|County|Sheriff|Department|Office|Court|Street|Avenue|Road|City|State|Police|University|"
    r"Hospital|News|Officer|Deputy|Chief|Detective|Sgt|Lt|Capt|Judge|Attorney|Prosecutor|Mayor|Governor|"
    rf"{DAY_OR_MONTH}|Associated|Press|Reuters|Facebook|Twitter)\b"
)
_UNNAMED = re.compile(
    r"\b(?P<name>(?:a|an|two|three|four|several)\s+(?:lone\s+|masked\s+|unknown\s+|unidentified\s+)?"
    r"(?:gunm[ae]n|shooters?|assailants?|attackers?|men|suspects?|robbers?|teens?)"
    r"(?:\s+in\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:car|vehicle|SUV|sedan|truck|van))?)\s+"
    r"(?:who\s+)?(?:opened fire|shot|fired|killed|approached|walked up|pulled up|drove up|got out)\b"
    # "a man in a dark sedan fired at a group": a man or a woman only with a plain act of firing
    r"|\b(?P<who>(?:a|an|two|three)\s+(?:masked\s+|unknown\s+|unidentified\s+)?(?:man|woman|men|women|person)"
    r"(?:\s+in\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}(?:car|vehicle|SUV|sedan|truck|van|hoodie|mask))?)\s+"
    r"(?:opened fire|fired (?:at|into|on|several|multiple|a|\d|at least|"
    r"(?:two|three|four|five|six|seven|eight|nine|ten)\b))",
    re.IGNORECASE,
)


def _certainty(verb: str) -> Certainty:
    low = verb.lower()
    for pattern, certainty in _VERB_CERTAINTY:
        if re.match(pattern, low):
            return certainty
    return Certainty.SUSPECTED


def _sayer(an: Analysis, pos: int) -> str | None:
    s, e = an.sentence_at(pos)
    m = _SAYER.search(an.text, s, e)
    if m is None:
        return None
    return (m.group("who") or m.group("who2")).strip()


def _person(an: Analysis, actors: ActorIndex, s: int, e: int, lone: bool = False) -> str | None:
    """The person's fullest name when ``text[s:e]`` names a person, else None (a lone surname only when
    the article names that person in full, or, with ``lone``, when the report only ever gives the
    surname of a person it names as the one who acted)."""
    name = an.text[s:e]
    if _NOT_NAME.search(name) or an.in_quote(s) or not name[:1].isupper():
        return None
    if s > 0 and an.text[s - 1].isalnum():  # "forJonathan": a word glued to the name
        return None
    if "\n" in name:  # "Advertisement\n\nHe": a heading and the next line
        return None
    actor = actors.find(name)
    if actor is not None:
        full = actor.name if actor.kind in (ActorKind.PERSON, ActorKind.OTHER) else None
        if lone and full and len(full.split()) == 1:  # "Jacob" kept apart from "Jacob Remaley"
            fuller = [
                a
                for a in actors.actors
                if a.kind is ActorKind.PERSON and len(a.name.split()) > 1 and full in a.name.split()
            ]
            if len(fuller) == 1:
                actor = fuller[0]
                full = actor.name
        if lone and official(an, actor):
            return None
        if full and lone and len(full.split()) == 1 and actor.kind is ActorKind.PERSON:
            return full
        return full if full and len(full.split()) >= 2 else None
    if len(name.split()) < 2:
        return None
    spacy_person = any(m.label == "PERSON" and m.start < e and s < m.end for m in an.mentions)
    return name if spacy_person or len(name.split()) >= 2 else None


_PROCESS = re.compile(
    r"\b(?:charged|charges?|arrested|arrest|custody|suspects?|indicted|indictment|convicted|sentenced|"
    r"(?:not\s+)?guilty|"
    r"booked|jail|jailed|warrant|wanted|manhunt|surrendered|person of interest|shooter|gunman|allegedly|"
    r"confessed|counts? of|arraign\w*|(?:stand|for|on) trial|murder counts?|turned themselves in)\b"
)
_OFFICIAL_BEFORE = re.compile(
    r"(?:Sheriff|Chief|Officer|Detective|Det\.|Sgt\.|Lt\.|Capt\.|Cpl\.|Col\.|Gen\.|Maj\.|Judge|Attorney|Prosecutor|"
    r"[Ss]pokes(?:man|woman|person)|Mayor|Gov\.|Governor|Dr\.|[Ll]awyer|[Aa]ttorney|[Dd]efense|Coroner|"
    r"Deputy|Trooper|Commissioner|Superintendent|Rev\.|Pastor|Sen\.|Rep\.|reporter|[Vv]ictims?|"
    r"[Vv]ictim's|(?:[Bb]rother|[Ss]ister|[Mm]other|[Ff]ather|[Ss]on|[Dd]aughter|[Ww]ife|[Hh]usband|"
    r"[Ff]riend|[Nn]eighbou?r|[Cc]ousin|[Uu]ncle|[Aa]unt|[Gg]irlfriend|[Bb]oyfriend),?)\s+$"
)
_OFFICIAL_AFTER = re.compile(
    r"^,?\s+(?:a|an|the)?\s*(?:[\w-]+\s+){0,3}?(?:spokes\w+|officer|detective|sheriff|chief|attorney|"
    r"prosecutor|lawyer|judge|coroner|investigator|neighbou?r|witness|relative|friend|victim)\b",
    re.IGNORECASE,
)
_VICTIM_NEAR = re.compile(
    r"^(?:,\s*\d{1,3},?)?\s+(?:(?:was|were|had been|has been)\s+)?(?:\w+\s+)?(?:killed|shot|died|dead|"
    r"wounded|injured|hurt|pronounced|found|hospitali[sz]ed|hit|struck)\b",
    re.IGNORECASE,
)
_VICTIM_BEFORE = re.compile(
    r"(?:killing|killed|shot|shooting|murder|death|deaths|slaying|victims?|wounding|injuring|of)\s+"
    r"(?:of\s+)?(?:\d{1,2}-year-old\s+)?$",
    re.IGNORECASE,
)


def _victims(an: Analysis, actors: ActorIndex) -> set[str]:
    out: set[str] = set()
    for m in an.mentions:
        if m.label != "PERSON":
            continue
        if victim_mention(an, m.start, m.end):
            name = _person(an, actors, m.start, m.end)
            out |= {name} if name else set()
    for s, e in identified_victims(an):  # "the man who was shot was identified as X"
        name = _person(an, actors, s, e)
        out |= {name} if name else set()
    return out


def _near_process(an: Analysis, actors: ActorIndex) -> list[tuple[str, tuple[int, int], Certainty]]:
    """A person named within a few words of an arrest, charge, conviction or 'suspect' in one sentence,
    who is not an official, a relative or witness, or a victim."""
    text = an.text
    out: list[tuple[str, tuple[int, int], Certainty]] = []
    victims = _victims(an, actors)
    for m in an.mentions:
        if m.label != "PERSON" or an.in_quote(m.start):
            continue
        s, e = m.start, m.end
        if _OFFICIAL_BEFORE.search(text, max(0, s - 30), s) or _OFFICIAL_AFTER.match(text[e : e + 60]):
            continue
        if _VICTIM_NEAR.match(text[e : e + 50]) or _VICTIM_BEFORE.search(text, max(0, s - 30), s):
            continue
        ss, se = an.sentence_at(s)
        window_start = max(ss, text.rfind(" ", 0, max(ss, s - 70)))
        keys = [k for k in _PROCESS.finditer(text, window_start, min(se, e + 80))]
        if not keys:
            continue
        name = _person(an, actors, s, e)
        if name is None or name in victims:
            continue
        if (actor := actors.by_name(name)) is not None and official(an, actor):
            continue  # "Deputy X was killed ... the suspect": an officer named near the arrest words
        nearest = min(keys, key=lambda k: abs(k.start() - s))
        out.append((name, (s, e), _certainty(nearest.group())))
    return out


def find_suspects(an: Analysis, actors: ActorIndex) -> list[Perp]:
    """Named suspects (and, when none is named, the attacker as described)."""
    text = an.text
    found: dict[str, Perp] = {}

    def add(name: str, span: tuple[int, int], certainty: Certainty, by: str | None) -> None:
        key = name.lower()
        perp = found.get(key) or next(
            (p for k, p in found.items() if _within(key, k) or _within(k, key)), None
        )
        if perp is None:
            perp = found[key] = Perp(name, certainty, [])
        if len(name) > len(perp.name) and re.search(rf"\b{re.escape(perp.name)}\b", name, re.I):
            perp.name = name
        if span not in perp.spans:
            perp.spans.append(span)
        if RANK[certainty] > RANK[perp.certainty]:
            perp.certainty = certainty
        if by and by not in perp.attributed_by:
            perp.attributed_by.append(by)

    def listed(s: int, e: int, certainty: Certainty, by: str | None) -> None:
        """The other people of the list that names ``text[s:e]``."""
        for os_, oe in coordinated(an, s, e):
            if other := _person(an, actors, os_, oe):
                add(other, (os_, oe), certainty, by)

    identified_victim = set(identified_victims(an))  # "the man shot by the suspect was identified as X"
    for rx in (_PASSIVE, _ACTIVE, _APPOSITION, _IDENTIFIED_AS_SUSPECT):
        for m in rx.finditer(text):
            s, e = m.start("name"), m.end("name")
            if (s, e) in identified_victim:
                continue
            if (
                rx is _ACTIVE
                and m.group("verb") in ("finds", "found")
                and not re.match(r"\s+guilty", text[e:])
            ):
                continue
            name = _person(an, actors, s, e)
            if name is None:
                continue
            verb = m.groupdict().get("verb") or "suspect"
            certainty = (
                Certainty.SUSPECTED if rx in (_APPOSITION, _IDENTIFIED_AS_SUSPECT) else _certainty(verb)
            )
            if verb in ("finds", "found"):
                certainty = Certainty.CONVICTED
            by = _sayer(an, s)
            add(name, (s, e), certainty, by)
            # "X, 32, and Y, 39, were charged": the others of the list
            joined = [_AND_NAME.match(text, e)] if rx is not _PASSIVE else []
            before = _NAME_AND.search(text, max(0, s - 60), s) if rx is _PASSIVE else None
            for j in [*joined, before]:
                if j is not None and (other := _person(an, actors, j.start("name"), j.end("name"))):
                    add(other, (j.start("name"), j.end("name")), certainty, by)
            listed(s, e, certainty, by)
    for (s, e), certainty, lone in more_hits(an):
        if name := _person(an, actors, s, e, lone=lone):
            by = _sayer(an, s)
            add(name, (s, e), certainty, by)
            listed(s, e, certainty, by)
    for (s, e), certainty, _ in age_linked(an):  # one of a list of ages: not the others
        if name := _person(an, actors, s, e):
            add(name, (s, e), certainty, _sayer(an, s))
    for m in _THAT_PERSON.finditer(text):
        ss, _ = an.sentence_at(m.start())
        ps, _ = an.sentence_at(max(0, ss - 1))
        if not _ROLE_BEFORE.search(text, ps, m.start()):
            continue
        if name := _person(an, actors, m.start("name"), m.end("name")):
            add(name, (m.start("name"), m.end("name")), Certainty.SUSPECTED, _sayer(an, m.start()))
    for m in _MUGSHOT.finditer(text):
        if name := _person(an, actors, m.start("name"), m.end("name")):
            add(name, (m.start("name"), m.end("name")), Certainty.SUSPECTED, None)
    for m in _ACTOR_VERB.finditer(text):
        s, e = m.start("name"), m.end("name")
        name = _person(an, actors, s, e, lone=True)
        if name is None:
            continue
        ss, se = an.sentence_at(s)
        hedged = bool(m.group("hedge") and "allegedly" in m.group("hedge")) or bool(
            _HEDGED.search(text, ss, se)
        )
        add(name, (s, e), Certainty.SUSPECTED if hedged else Certainty.CONFIRMED, _sayer(an, s))
    for name, span, certainty in _near_process(an, actors):
        add(name, span, certainty, _sayer(an, span[0]))
    if not found:
        unnamed = _UNNAMED.search(text)
        if unnamed is not None and not an.in_quote(unnamed.start()):
            group = "name" if unnamed.group("name") else "who"
            span = (unnamed.start(group), unnamed.end(group))
            add(unnamed.group(group), span, Certainty.CONFIRMED, _sayer(an, unnamed.start()))
    return sorted(found.values(), key=lambda p: min(p.spans))


def _within(short: str, long: str) -> bool:
    """``short`` is ``long`` or a run of its whole words ("treadwell" in "harlan treadwell")."""
    return re.search(rf"(?<![\w'’]){re.escape(short)}(?![\w'’])", long) is not None


def merge_perpetrators(first: list[Perp], more: list[Perp]) -> list[Perp]:
    """``first`` with ``more`` added; one entry per name (a surname alone joins the full name), keeping the
    strongest certainty and every attributor."""
    out = list(first)
    for p in more:
        low = p.name.lower()
        twin = next((q for q in out if _within(low, q.name.lower()) or _within(q.name.lower(), low)), None)
        if twin is None:
            out.append(p)
            continue
        if len(p.name) > len(twin.name):
            twin.name = p.name
        twin.spans = sorted(set(twin.spans) | set(p.spans))
        if RANK[p.certainty] > RANK[twin.certainty]:
            twin.certainty = p.certainty
        twin.attributed_by += [b for b in p.attributed_by if b not in twin.attributed_by]
    return sorted(out, key=lambda q: min(q.spans))
