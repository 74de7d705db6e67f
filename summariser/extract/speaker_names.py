"""Speaker names: the phrase next to a reporting verb resolved to a person or body (a name, a partial
name, a title and name, a description such as "a police officer"), and pronouns resolved to the most
salient compatible antecedent. ``speakers`` builds on this to attribute each quote.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..schema.brief import ActorKind
from .actors import ActorIndex, ActorRec
from .gazetteer import ROLE_WORDS
from .nlp import TITLE, Analysis, Mention

__all__ = ["ABBREV", "Attribution", "NameResolver", "note", "words"]


_PRONOUNS = {"he": "m", "she": "f", "they": None, "i": None, "we": None, "him": "m", "her": "f", "it": None}
_ROLE_RE = re.compile(r"\b(?:" + "|".join(re.escape(r) for r in ROLE_WORDS) + r")\b", re.IGNORECASE)
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "WORK_OF_ART")
_PREPOSITION_START = re.compile(
    r"(?:in|for|to|with|of|by|at|on|from|into|about|against|under|over|after|before|during|as|than|like|"
    r"and|or|but|nor|so|yet|if|because|while|when|where|which|what|who|whom|whose|how|why|his|her|its|their)\b",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r",\s*|\s+[―—–]\s+|;\s+|:\s+|\b(?:that|who|when|as|what|which|whom)\s+")
_AUXILIARIES = frozenset({"is", "was", "are", "were", "has", "have", "had", "will", "would", "be", "been"})
_SKIP_WORDS = re.compile(
    r"^(?:and|but|then|also|later|earlier|as|while|when|so|in|on|at|,|—|–|-)\s+", re.IGNORECASE
)


_LONGEST_NAME = 300  # characters: no mention of a name is longer, so a look back can stop there


def note(actor: ActorRec, s: int, e: int) -> None:
    """Keep a speaker mention the NER missed as a mention of its actor (pronouns then find it).
    ``actor.mentions`` is in text order: a bisection finds whether a mention already covers it."""
    spans = actor.mentions
    j = bisect.bisect_right(spans, (s, 1 << 62)) - 1  # the last mention starting at or before ``s``
    while j >= 0 and spans[j][0] >= s - _LONGEST_NAME:
        if spans[j][1] >= e:
            return
        j -= 1
    bisect.insort(spans, (s, e))


def _last_mentions(spans: list[tuple[int, int]], lo: int, hi: int, an: Analysis) -> list[tuple[int, int]]:
    """Up to three of ``spans`` (in text order) in ``[lo, hi)``, outside quotes, the last ones."""
    out: list[tuple[int, int]] = []
    for j in range(bisect.bisect_right(spans, (hi, hi)) - 1, bisect.bisect_left(spans, (lo, lo)) - 1, -1):
        s, e = spans[j]
        if e <= hi and not an.in_quote(s):
            out.append((s, e))
            if len(out) == 3:
                break
    return out[::-1]


@dataclass
class Attribution:
    speaker: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    decided: bool = True
    candidates: list[str] = field(default_factory=list)
    actor: ActorRec | None = None
    reported_via: str | None = None
    zone: tuple[int, int] | None = None


ABBREV = re.compile(
    r"(?:[A-Z][A-Za-z]{0,3}|[A-Z](?:\.[A-Z])*|\S*-[A-Z][a-z]*|[a-z]{1,3}|St|Sgt|Gen|Col|Lt|Capt)$"
)


def _sentence_break(zone: str) -> bool:
    """A sentence end inside a speaker zone (abbreviations such as "Rep." or "(D-Wis.)" are not)."""
    if re.search(r"[!?;\"“”]\s", zone):
        return True
    for m in re.finditer(r"\.\s", zone):
        before = re.findall(r"[\w.-]+$", zone[: m.start()])
        if not before or not ABBREV.match(before[0]):
            return True
    return False


def words(s: str) -> int:
    return len(re.findall(r"[\w'’.-]+", s))


class NameResolver:
    def __init__(self, an: Analysis, actors: ActorIndex) -> None:
        self.an = an
        self.actors = actors
        self.done: list[tuple[int, Attribution]] = []  # (quote start, attribution) so far

    # -- names -------------------------------------------------------------
    def _from_mention(self, m: Mention) -> Attribution:
        actor = self.actors.at(m.start, m.end) or self.actors.find(m.text)
        if actor is not None:
            note(actor, m.start, m.end)
            return Attribution(actor.name, [(m.start, m.end)], True, [], actor)
        s = m.start
        while t := TITLE.match(self.an.text, s, m.end):
            s = t.end()
        return Attribution(self.an.text[s : m.end], [(s, m.end)], True, [], None)

    def _is_verb(self, pos: int) -> bool:
        tag = self.an.tag_at(pos)
        return tag.startswith("VB") or (
            tag in ("", "IN") and self.an.text[pos : pos + 9].lower() == "according"
        )

    def _has_verb(self, s: int, e: int) -> bool:
        return any(tag.startswith(("VB", "MD")) and word.islower() for word, tag in self.an.tags_in(s, e))

    def _has_noun(self, s: int, e: int) -> bool:
        return any(tag.startswith("NN") for _, tag in self.an.tags_in(s, e))

    def _prepositional(self, pos: int, floor: int) -> bool:
        return bool(
            re.search(
                r"\b(?:for|of|to|with|at|from|by|in|on|against|about|during|after|like|than)\s+"
                r"(?:the\s+|a\s+|an\s+)?$",
                self.an.text[max(floor, pos - 14) : pos],
                re.IGNORECASE,
            )
        )

    def _ends_phrase(self, m: Mention, e: int) -> bool:
        """Nothing but a bracketed note ("(D-Wis.)") or a possessive follows the mention in its phrase."""
        rest = self.an.text[m.end : e].strip(" ,;:—–―-\n")
        return not rest or bool(re.fullmatch(r"\([^)]*\)|Jr\.?|Sr\.?", rest))

    def resolve_name(self, zs: int, ze: int) -> Attribution | None:
        """The speaker named by the short phrase ``text[zs:ze]`` (a name, pronoun or description)."""
        text = self.an.text
        raw = text[zs:ze]
        zs += len(raw) - len(raw.lstrip(" ,\n—–―-"))
        while ze > zs and text[ze - 1] in " ,\n—–―-":
            ze -= 1
        sk = _SKIP_WORDS.match(text, zs, ze)
        while sk:
            zs = sk.end()
            sk = _SKIP_WORDS.match(text, zs, ze)
        while ze > zs and (tail := re.search(r"\s+(\w+)$", text[zs:ze])) is not None:
            word = tail.group(1).lower()
            if not (self.an.tag_at(zs + tail.start(1)).startswith("RB") or word in _AUXILIARIES):
                break
            ze = zs + tail.start()  # 'The health directorate later said', 'Trump is telling'
        last = re.search(r"(?:^|\s)(he|she|they|we|i)$", text[zs:ze], re.IGNORECASE)
        if last and last.start(1) > 0 and not self._has_verb(zs, zs + last.start(1)):
            lo = zs + last.start(1)  # 'even now at 86 she [says]'
            return self.resolve_pronoun(last.group(1).lower(), lo, ze)
        phrase = text[zs:ze]
        if ze <= zs or words(phrase) > 14 or _sentence_break(phrase) or re.search(r"[\"“”]", phrase):
            return None
        if _PREPOSITION_START.match(phrase):
            return None
        if self._has_verb(zs, ze) and words(phrase) > 1:
            return None
        low = phrase.lower()
        if low in _PRONOUNS:
            return self.resolve_pronoun(low, zs, ze)
        ments = [m for m in self.an.mentions_in(zs, ze, _NAME_LABELS) if not self._prepositional(m.start, zs)]
        ending = [m for m in ments if self._ends_phrase(m, ze)]
        for m in reversed(ending):
            return self._from_mention(m)
        caps = re.findall(r"\b[A-Z][\w'’-]+(?:\s+(?:al-|de\s+|van\s+)?[A-Z][\w'’-]+)*", phrase)
        for cap in reversed(caps):
            actor = self.actors.find(cap)
            if actor is not None and phrase.endswith(cap):
                s = zs + phrase.rindex(cap)
                note(actor, s, s + len(cap))
                return Attribution(actor.name, [(s, s + len(cap))], True, [], actor)
        if words(phrase) > 8 or not self._has_noun(zs, ze):
            return None
        role = _ROLE_RE.search(phrase)
        if role and re.match(r"(?:the|this)\s", phrase, re.IGNORECASE):
            for a in reversed(self.actors.actors):
                if a.role and a.role.lower() in low and a.first < zs:
                    return Attribution(a.name, [(zs, ze)], False, [a.name, phrase], a)
        if all(w[:1].isupper() for w in phrase.split()):  # a name the NER missed: drop "The" and a title
            if (det := re.match(r"The\s+(?=[A-Z])", phrase)) is not None:
                zs += det.end()
            while t := TITLE.match(text, zs, ze):
                zs = t.end()
            phrase = text[zs:ze]
        return Attribution(phrase, [(zs, ze)], True, [], None)

    def subject_before(self, floor: int, vs: int) -> Attribution | None:
        """The subject of a reporting verb at ``vs``: the phrase right before it, or the name an
        apposition describes ("X, spokesman for Y, said")."""
        text = self.an.text
        region = text[floor:vs]
        cuts = [0] + [m.end() for m in _BOUNDARY.finditer(region)]
        segs = [(floor + a, floor + b) for a, b in zip(cuts, [*cuts[1:], len(region)], strict=False)]
        segs = [(a, b) for a, b in segs if b > a]
        if not segs:
            return None
        last_s, last_e = segs[-1]
        if region.rstrip().endswith(","):  # an apposition: the name is in an earlier segment
            for a, b in reversed(segs[-4:]):
                for m in self.an.mentions_in(a, b, ("PERSON",)):
                    if not self._prepositional(m.start, a) and self._ends_phrase(m, b):
                        return self._from_mention(m)
            for a, b in reversed(segs[-4:]):
                for m in self.an.mentions_in(a, b, _NAME_LABELS):
                    if not self._prepositional(m.start, a) and self._ends_phrase(m, b):
                        return self._from_mention(m)
        order = segs[-4:] if region.rstrip().endswith(",") else list(reversed(segs[-3:]))
        for a, b in order:
            if text[a:b].strip(" ,—–―-"):
                res = self.resolve_name(a, b)
                if res is not None:
                    return res
                if (a, b) == (last_s, last_e) and not region.rstrip().endswith(","):
                    return None
        return None

    def subject_after(self, ve: int, ceil: int) -> Attribution | None:
        """Inverted order: '..., said John Smith, a spokesman.', 'said Rep. G.K. Butterfield (D-N.C.)'"""
        after = self.an.text[ve:ceil]
        end = len(after)
        for m in re.finditer(
            r"[,;:!?(]|\.(?=\s|$)|\s+(?:in|on|at|to|of|during|after|before|as|that|when|while)\s", after
        ):
            if m.group() == ".":
                word = re.findall(r"[\w.-]+$", after[: m.start()])
                if word and ABBREV.match(word[0]) and m.start() < len(after) - 1:
                    continue
            end = m.start()
            break
        return self.resolve_name(ve, ve + end)

    def sentence_subject(self, floor: int, pos: int) -> Attribution | None:
        """The main subject of the sentence (for 'X attacked Y, saying "..."' and 'X's message: "..."')."""
        for m in self.an.mentions_in(floor, pos, _NAME_LABELS):
            if not self._prepositional(m.start, floor):
                return self._from_mention(m)
        return None

    def _subject_position(self, s: int, e: int) -> bool:
        """A mention followed by a finite verb (possibly after an adverb or an apposition) is a subject."""
        an, doc = self.an, self.an.doc
        if e <= s or an.token_index(e - 1) < 0:
            return False
        i = an.token_index(e - 1) + 1
        if i + 1 < len(doc) and doc[i].lower_ in ("and", "or") and an.tag(i + 1) == "NNP":
            i += 1
            while i < len(doc) and an.tag(i) == "NNP":
                i += 1
        while i < len(doc) and an.tag(i) in ("RB", "POS") and doc[i].text not in ("’s", "'s"):
            i += 1
        if i < len(doc) and doc[i].text == ",":
            close = next((j for j in range(i + 1, min(len(doc), i + 16)) if doc[j].text == ","), None)
            i = close + 1 if close is not None else i
        return i < len(doc) and an.tag(i) in ("VBD", "VBZ", "VBP", "MD")

    def resolve_pronoun(self, pron: str, ps: int, pe: int) -> Attribution:
        """The person (or body, for 'they') a reporting pronoun stands for: the most salient compatible
        antecedent over the last paragraphs (recent, in subject position, an earlier speaker)."""
        gender = _PRONOUNS.get(pron)
        an = self.an
        para = an.paragraph_index(ps)
        window_start = an.paragraphs[max(0, para - 3)][0] if an.paragraphs else 0
        cur = an.sentence_index(ps)
        speakers = set()
        for start, done in reversed(self.done):  # in quote order: only the recent ones are read
            if start < window_start:
                break
            if done.actor is not None:
                speakers.add(id(done.actor))
        ranked: list[tuple[float, ActorRec, tuple[int, int]]] = []
        person = pron in ("he", "she", "him", "her", "i")
        for a in self.actors.actors:
            if (a.kind is ActorKind.PERSON) != person or (gender and a.gender and a.gender != gender):
                continue
            before = _last_mentions(a.mentions, window_start, ps, an)
            if not before:
                continue
            best: float | None = None
            for s, e in before[-3:]:
                score = -float(cur - an.sentence_index(s))
                if self._subject_position(s, e):
                    score += 1.5
                if self._prepositional(s, an.sentence_at(s)[0]):
                    score -= 1.0
                if best is None or score > best:
                    best = score
            assert best is not None
            if id(a) in speakers:
                best += 1.0
            if gender and a.gender == gender:
                best += 0.5
            ranked.append((best, a, before[-1]))
        if not ranked:
            return Attribution(None, [(ps, pe)], False, [], None)
        ranked.sort(key=lambda r: -r[0])
        top_score, top, span = ranked[0]
        names = [a.name for _, a, _ in ranked]
        margin = top_score - ranked[1][0] if len(ranked) > 1 else 99.0
        decided = pron in ("he", "she") and margin >= 1.0 and cur - an.sentence_index(span[0]) <= 3
        return Attribution(top.name, [span], decided, names if not decided else [], top)
