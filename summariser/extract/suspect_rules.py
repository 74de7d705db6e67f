"""More ways a crime report names its attacker, used by ``suspects``.

- the name pieces every suspect rule shares (a person's name, an age, "of Town");
- a list of names around one that a rule found ("A, 20, B, 18, and C, 18, were charged"; "A, 21, Town;
  B, 19, Town; and a juvenile were booked");
- "identified as X" when the one identified is a suspect, not a victim ("the men police say took part in
  the robbery were identified as ...", "He has been identified as X" after an arrest, "the gunman ...
  is 16-year-old X", "a military ID that identified him as X");
- "Arrested for ... was X"; "warrants were issued for X";
- the one the report says was armed ("X was armed with a rifle"), unless a defender;
- the one the police shot ("X was shot and killed by deputies", "officers fatally shot X");
- a confession ("X told detectives he shot ..."), an attempted robbery by the one shot ("X was trying to
  rob ..."), a self-inflicted wound in a murder-suicide ("X died of a wound that was self-inflicted");
- the attacker described by age ("a 15-year-old boy shot ...") and named elsewhere with that age.
- the filters: an officer or official ("Officer X", "X, a police spokesman"), and a person the report
  plainly makes a victim ("X's death", "X was killed", "the victim, X").

Each rule gives (name span, certainty, whether a lone surname may stand for the person).
"""

from __future__ import annotations

import re

from ..schema.brief import Certainty
from .actors import ActorRec
from .nlp import Analysis

__all__ = [
    "AFTER_NAME",
    "AGE",
    "NAME",
    "NAME_BODY",
    "ROLE",
    "Hit",
    "age_linked",
    "coordinated",
    "identified_victims",
    "more_hits",
    "official",
    "victim_mention",
]

Hit = tuple[tuple[int, int], Certainty, bool]

_WORD = r"(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|Mc[A-Z][a-z]+)"
NAME_BODY = (
    rf"(?:{_WORD}|[A-Z]\.)(?:\s+(?:[A-Z]\.|[A-Z]\b|{_WORD}|de|del|la|van|von|[“\"][A-Z][a-z]+[”\"])){{0,3}}"
    r"(?:\s+(?:Jr\.|Sr\.|III\b|II\b|IV\b))?"
)
NAME = rf"(?P<name>{NAME_BODY})"
AGE = r"(?:\d{1,2}[- ]year[- ]old\s+)?"
AFTER_NAME = (
    r"(?:\s*\([^)]{1,30}\))?(?:,\s*(?:\d{1,3}|\w+\s+\d{1,3}),?)?"
    r"(?:\s+(?:of|from)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?,?)?,?"
)
ROLE = r"(?:suspected\s+|alleged\s+|accused\s+)?(?:suspect|shooter|gunman|killer|attacker|assailant|gunmen)"

# what lies between two names of one list: an age, a home town, then ", " / "; " / "and"
_LIST_GAP = re.compile(
    r"(?:\s*\([^)]{1,30}\))?(?:,\s*\d{1,3})?(?:,\s*(?:of\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    r"\s*(?:[,;]\s*(?:and\s+)?|,?\s+and\s+)(?:\d{1,2}[- ]year[- ]old\s+)?"
)
_NAME_RX = re.compile(NAME_BODY)


def coordinated(an: Analysis, s: int, e: int) -> list[tuple[int, int]]:
    """Spans of the other names listed with the one at ``[s, e)`` in its sentence (names, towns and all:
    the caller keeps the people)."""
    ss, se = an.sentence_at(s)
    items = [(m.start(), m.end()) for m in _NAME_RX.finditer(an.text, ss, se)]
    at = next((i for i, (a, b) in enumerate(items) if a < e and s < b), None)
    if at is None:
        return []
    out: list[tuple[int, int]] = []
    for step in (1, -1):
        i = at
        while 0 <= i + step < len(items):
            a, b = sorted((items[i], items[i + step]))
            if not _LIST_GAP.fullmatch(an.text, a[1], b[0]):
                break
            i += step
            out.append(items[i])
    return out


_SUSPECT_NOUN = (
    r"(?:suspects?|gunm[ae]n|shooters?|attackers?|assailants?|killers?|robbers?|burglars?|intruders?)"
)
_SUSPECT_SIGNAL = (
    r"arrested|charged|custody|detained|wanted|captured|accused|indicted|booked|"
    r"involved in the (?:\w+\s+)?(?:shooting|robbery|killing|attack|homicide|murder|home invasion|burglary)"
)
_VICTIM_SIGNAL = (
    r"victims?|deceased|dead|died|bodies|body|slain|wounded|injured|killed|hospitali[sz]ed|shot|"
    r"hurt|pronounced|(?:\w+ed)\s+by"
)
_PERSON_NOUN = (
    r"(?:man|woman|men|women|person|people|teens?|teenagers?|boys?|girls?|individuals?|driver|couple)"
)
_HEAD = re.compile(
    rf"\b(?:(?P<role>{_SUSPECT_NOUN})(?![’']s)|(?P<victim>victims?|deceased|dead|bodies)|(?P<neutral>{_PERSON_NOUN}))\b",
    re.IGNORECASE,
)
_SIGNAL = re.compile(rf"\b(?:(?P<role>{_SUSPECT_SIGNAL})|(?P<victim>{_VICTIM_SIGNAL}))\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"[’']s$")  # "identified as Green's mother": not Green


def _subject_kind(an: Analysis, lo: int, hi: int) -> str | None:
    """ "role" or "victim" for the one spoken of in ``text[lo:hi]``: its first head noun when that is a
    suspect or victim word ("the suspect who was captured ...", "the victims"), else, after a plain person
    noun, its first signal: an arrest or a part in the crime ("the men police say were involved in the
    robbery") or a wound ("the man who was shot by the suspect")."""
    head = _HEAD.search(an.text, lo, hi)
    if head is None:
        return None
    if not head.group("neutral"):
        return "role" if head.group("role") else "victim"
    signal = _SIGNAL.search(an.text, head.end(), hi)
    return None if signal is None else ("role" if signal.group("role") else "victim")


def _suspect_subject(an: Analysis, lo: int, hi: int) -> bool:
    return _subject_kind(an, lo, hi) == "role"


_IDENTIFIED = re.compile(
    r"\b(?:was|were|is|are|has been|have been|had been)\s+(?:later\s+|also\s+|since\s+)?identified\s+"
    r"(?:by\s+[^,.;]{1,40}?\s+)?as\s+" + AGE + NAME
)


def identified_victims(an: Analysis) -> list[tuple[int, int]]:
    """Names "identified as" when the one identified is a victim ("the man who was shot was
    identified as X")."""
    out = []
    for m in _IDENTIFIED.finditer(an.text):
        ss, _ = an.sentence_at(m.start())
        if _subject_kind(an, ss, m.start()) == "victim" and not _POSSESSIVE.search(m.group("name")):
            out.append((m.start("name"), m.end("name")))
    return out


_IDENTIFIED_OBJECT = re.compile(r"\bidentified\s+(?:him|her|them)\s+as\s+" + AGE + NAME)
_ROLE_IS = re.compile(
    r"\b(?:the|a)\s+(?:\w+\s+)?" + ROLE + r"\s+(?:who|that)\b[^.;]{1,150}?,?\s+(?:is|was)\s+"
    r"(?:identified\s+as\s+)?" + AGE + NAME
)
_INVERTED = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))(?P<verb>Arrested|Charged|Booked|Jailed|Detained|Indicted)\b[^.\n]{0,200}?\s+"
    r"(?:was|were|is|are)\s+" + AGE + NAME,
    re.M,
)
_WARRANT = re.compile(
    r"\b[Ww]arrants?\s+(?:(?:have|has|had|were|was)\s+been\s+)?(?:\w+\s+){0,3}?for\s+(?:the\s+arrest\s+of\s+)?"
    + AGE
    + NAME
)
_TRIAL = re.compile(
    r"\b(?:hold|held|holds|ordered)\s+" + NAME + AFTER_NAME + r"\s+(?:over\s+)?(?:for|to stand)\s+trial\b"
    r"|\b(?:death penalty|indictment|murder charges?)\s+against\s+"
    + NAME.replace("<name>", "<name2>")
    + r"(?![\w'’])(?!\s+(?:[\w-]+\s+)?(?:shooting|suspect|gunman|killing|murder|case|trial)\b)"
)
_POLICE = (
    r"(?:police|officers?|deputies|deputy|troopers?|SWAT|law enforcement|police officers?|"
    r"sheriff's deputies|agents)"
)
_SHOT_BY_POLICE = re.compile(
    NAME
    + AFTER_NAME
    + r"\s+(?:was|were|had been)\s+(?:fatally\s+|later\s+)?(?:shot|killed|shot and killed|shot dead)\s+by\s+"
    r"(?:an?\s+|the\s+|two\s+|several\s+)?(?:[\w-]+\s+)?" + _POLICE + r"\b"
    r"|\b" + _POLICE + r"\s+(?:fatally\s+|later\s+)?(?:shot|killed|shot and killed|shot dead)\s+(?:the\s+"
    r"(?:suspect|gunman|shooter),?\s+)?" + AGE + NAME.replace("<name>", "<name2>")
)
_ATTACKED = re.compile(
    r"\b(?:suspects?|gunm[ae]n|shooters?|opened fire|fired (?:at|on|into|shots)|rampage|shootout|"
    r"killing|hostages?|exchange of gunfire|spree)\b",
    re.I,
)
_ARMED = re.compile(
    NAME + r"\s+(?:was armed with|was carrying|had)\s+(?:a|an|two|three)\s+(?:[\w.-]+\s+){0,6}?"
    r"(?:pistol|rifle|handgun|gun|shotgun|revolver)s?\b"
)
_DEFENDER = re.compile(
    r"\b(?:homeowners?|residents?|clerks?|owners?|permit|victims?|self-defen[cs]e)\b", re.I
)
_CONFESSED = re.compile(
    NAME + r"\s+(?:later\s+|also\s+|allegedly\s+|reportedly\s+)*(?:told|admitted to|confessed to)\s+"
    r"(?:officers|police|investigators|detectives|deputies|troopers|authorities)\s+(?:that\s+)?(?:he|she)\s+"
    r"(?:had\s+)?(?:(?!(?:was|were|been|got|being)\b)[\w,]+\s+){0,14}?(?:shot|killed|fired)\b"
)
_ROBBING = re.compile(
    NAME
    + AFTER_NAME
    + r"\s+(?:was|were)\s+(?:allegedly\s+|reportedly\s+|apparently\s+)?(?:attempting|trying)\s+to"
    r"\s+(?:rob|commit\s+(?:a|an)\s+(?:armed\s+)?robbery|break\s+into|burglari[sz]e|carjack|steal)\b"
)
_SELF_INFLICTED = re.compile(
    NAME + r"\b(?:(?!\b(?:by|he|she|her|him|who)\b)[^.;]){0,80}?\b"
    r"(?:self-inflicted|took (?:his|her) own life|killed (?:him|her)self|"
    r"shot (?:him|her)self|turned the gun on (?:him|her)self)"
)
_MURDER_SUICIDE = re.compile(
    r"\bmurder[- ]suicide\b"
    r"|\b(?:and|then)\s+(?:then\s+)?(?:turned the gun on|shot|killed)\s+(?:him|her)self\b",
    re.IGNORECASE,
)
_ROLE_BEFORE = re.compile(
    r"\b(?:" + ROLE + r"|person of interest|arrested|charged|custody|detained)s?\b", re.IGNORECASE
)


def more_hits(an: Analysis) -> list[Hit]:
    text = an.text
    out: list[Hit] = []

    def span(m: re.Match[str]) -> tuple[int, int]:
        return m.start("name"), m.end("name")

    for m in _IDENTIFIED.finditer(text):
        ss, _ = an.sentence_at(m.start())
        if _suspect_subject(an, ss, m.start()):
            out.append((span(m), Certainty.SUSPECTED, False))
        elif re.match(r"(?:He|She)\b", text[ss : m.start()]) and ss > 0:
            ps, _ = an.sentence_at(ss - 1)  # "... has since been arrested. He has been identified as X."
            if _suspect_subject(an, ps, ss):
                out.append((span(m), Certainty.SUSPECTED, False))
    for m in _IDENTIFIED_OBJECT.finditer(text):
        ss, _ = an.sentence_at(m.start())
        ps, _ = an.sentence_at(max(0, ss - 1))
        if _suspect_subject(an, ps, m.start()) or _ROLE_BEFORE.search(text, ss, m.start()):
            out.append((span(m), Certainty.SUSPECTED, False))
    for m in _ROLE_IS.finditer(text):
        out.append((span(m), Certainty.SUSPECTED, False))
    for m in _INVERTED.finditer(text):
        verb = m.group("verb").lower()
        held = verb in ("arrested", "detained")
        out.append((span(m), Certainty.SUSPECTED if held else Certainty.CHARGED, True))
    for m in _WARRANT.finditer(text):
        out.append((span(m), Certainty.SUSPECTED, True))
    for m in _TRIAL.finditer(text):
        k = "name" if m.group("name") else "name2"
        out.append(((m.start(k), m.end(k)), Certainty.CHARGED, True))
    for m in _SHOT_BY_POLICE.finditer(text):  # the one the police shot, when the report says he attacked
        k = "name" if m.group("name") else "name2"
        ss, se = an.sentence_at(m.start())
        ps, _ = an.sentence_at(max(0, ss - 1))
        if _ATTACKED.search(text, ps, se):
            out.append(((m.start(k), m.end(k)), Certainty.SUSPECTED, True))
    for m in _ARMED.finditer(text):  # "X had a pistol and a rifle on him": armed, not defending
        ss, se = an.sentence_at(m.start())
        if not _DEFENDER.search(text, ss, se):
            out.append((span(m), Certainty.SUSPECTED, True))
    for m in _CONFESSED.finditer(text):
        out.append((span(m), Certainty.SUSPECTED, True))
    for m in _ROBBING.finditer(text):
        out.append((span(m), Certainty.SUSPECTED, True))
    if _MURDER_SUICIDE.search(text):
        for m in _SELF_INFLICTED.finditer(text):
            out.append((span(m), Certainty.CONFIRMED, True))
    return [h for h in out if not an.in_quote(h[0][0]) and not _POSSESSIVE.search(text[h[0][0] : h[0][1]])]


_AGED_ATTACKER = re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+(?P<age>\d{1,2})-year-old\s+(?:boy|girl|man|woman|teen|teenager|youth|suspect|"
    r"gunman|shooter)\b"
)
_ATTACK_AFTER = re.compile(
    r"\b(?:(?:is|was|has been)\s+(?:accused|charged|arrested|suspected)|shot|killed|opened fire|fatally)\b"
)
_VICTIM_BEFORE = re.compile(r"\b(?:shot|killed|wounded|injured|killing|wounding|victims?|of|to)\s+$", re.I)
_VICTIM_WORD = re.compile(r"\b(?:victims?|deceased|wounded|injured|dead|died|killed)\b", re.I)


def age_linked(an: Analysis) -> list[Hit]:
    """'A 12-year-old boy ... shot his brother' and 'the boys were identified as 12-year-old X, ...':
    the one person the report names with the attacker's age."""
    text = an.text
    out: list[Hit] = []
    for m in _AGED_ATTACKER.finditer(text):
        ss, se = an.sentence_at(m.start())
        if an.in_quote(m.start()) or _VICTIM_WORD.search(text, ss, m.start()):
            continue
        act = _ATTACK_AFTER.search(text, m.end(), se)
        if act is None or re.search(r"\d{1,2}-year-old", text[m.end() : act.start()]):
            continue
        age = m.group("age")
        named = re.compile(
            rf"\b{age}[- ]year[- ]old\s+(?P<name>{NAME_BODY})|(?P<name2>{NAME_BODY}),\s*{age}\b(?!-)"
        )
        found = {
            (n.start("name"), n.end("name")) if n.group("name") else (n.start("name2"), n.end("name2"))
            for n in named.finditer(text)
        }
        found = {
            (s, e)
            for s, e in found
            if not (_VICTIM_BEFORE.search(text, max(0, s - 30), s) or _VICTIM_WORD.match(text, s))
        }
        names = {text[s:e] for s, e in found}
        if len(names) == 1:
            out.extend((sp, Certainty.SUSPECTED, False) for sp in sorted(found)[:1])
    return out


_OFFICIAL_TITLE = re.compile(
    r"\b(?:Sheriff|Chief|Officer|Detective|Det\.|Sgt\.?|Sergeant|Lt\.?|Lieutenant|Capt\.?|Captain|Cpl\.?|"
    r"Corporal|Deputy|Trooper|Agent|Judge|Attorney|Prosecutor|Coroner|Commissioner|Superintendent|Mayor|"
    r"[Oo]fficer|[Dd]eputy|[Dd]etective|[Tt]rooper|[Ss]pokes(?:man|woman|person))\s+(?:[A-Z][\w.'’-]*\s+){0,2}$"
)


def official(an: Analysis, actor: ActorRec) -> bool:
    """A police officer, official or the like: titled so at some mention ("Officer Ross Dale")."""
    role = (actor.role or "").lower()
    if re.search(
        r"\b(?:officer|deputy|detective|sheriff|chief|sergeant|trooper|agent|spokes\w+|judge)\b", role
    ):
        return True
    return any(_OFFICIAL_TITLE.search(an.text, max(0, s - 40), s) for s, _ in actor.mentions)


# a person the report plainly makes a victim somewhere: "X's death", "X was killed", "the victim, X"
_VICTIM_AFTER = re.compile(
    r"(?:'s|’s)\s+(?:\w+\s+)?(?:death|killing|murder|slaying|homicide)\b"
    r"|(?:,\s*\d{1,3},?)?\s+(?:was|were)\s+(?:fatally\s+shot\s+and\s+)?(?:killed|murdered|slain)\b"
    r"(?!\s+by\s+(?:an?\s+|the\s+)?(?:police|officers?|deputies|deputy|troopers?))",
    re.IGNORECASE,
)
_VICTIM_TITLE = re.compile(
    r"\b(?:victims?|(?:murder|killing|death|slaying|shooting|wounding)\s+of)\s*,?\s+(?:\d{1,2}-year-old\s+)?$",
    re.I,
)


def victim_mention(an: Analysis, s: int, e: int) -> bool:
    return bool(_VICTIM_AFTER.match(an.text, e) or _VICTIM_TITLE.search(an.text, max(0, s - 30), s))
