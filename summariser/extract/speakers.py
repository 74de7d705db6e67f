"""Who said each quote: the reporting verb and its subject next to the quote, pronouns resolved to the
last compatible person named, partial names to the full actor, the outlet it was reported through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..brief import ActorKind
from .actors import ActorIndex, ActorRec
from .gazetteer import ROLE_WORDS
from .nlp import TITLE, Analysis, Mention
from .quotes import VERB_RE, RawQuote
from .sources import Citation

__all__ = ["Attribution", "attribute", "reporter_of"]

_PRONOUNS = {"he": "m", "she": "f", "they": None, "i": None, "we": None, "him": "m", "her": "f", "it": None}
_ROLE_RE = re.compile(r"\b(?:" + "|".join(re.escape(r) for r in ROLE_WORDS) + r")\b", re.IGNORECASE)
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "WORK_OF_ART")
_PREPOSITION_START = re.compile(
    r"(?:in|for|to|with|of|by|at|on|from|into|about|against|under|over|after|before|during|as|than|like|"
    r"and|or|but|nor|so|yet|if|because|while|when|where|which|what|who|whom|whose|how|why|his|her|its|their)\b",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r",\s*|\s+[―—–]\s+|;\s+|:\s+|\b(?:that|who|when|as|what|which|whom)\s+")
_SKIP_WORDS = re.compile(
    r"^(?:and|but|then|also|later|earlier|as|while|when|so|in|on|at|,|—|–|-)\s+", re.IGNORECASE
)


def _note(actor: ActorRec, s: int, e: int) -> None:
    """Keep a speaker mention the NER missed as a mention of its actor (pronouns then find it)."""
    if not any(ms <= s and e <= me for ms, me in actor.mentions):
        actor.mentions.append((s, e))
        actor.mentions.sort()


@dataclass
class Attribution:
    speaker: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    decided: bool = True
    candidates: list[str] = field(default_factory=list)
    actor: ActorRec | None = None
    reported_via: str | None = None
    zone: tuple[int, int] | None = None


_ABBREV = re.compile(
    r"(?:[A-Z][A-Za-z]{0,3}|[A-Z](?:\.[A-Z])*|\S*-[A-Z][a-z]*|[a-z]{1,3}|St|Sgt|Gen|Col|Lt|Capt)$"
)


def _sentence_break(zone: str) -> bool:
    """A sentence end inside a speaker zone (abbreviations such as "Rep." or "(D-Wis.)" are not)."""
    if re.search(r"[!?;\"“”]\s", zone):
        return True
    for m in re.finditer(r"\.\s", zone):
        before = re.findall(r"[\w.-]+$", zone[: m.start()])
        if not before or not _ABBREV.match(before[0]):
            return True
    return False


def _words(s: str) -> int:
    return len(re.findall(r"[\w'’.-]+", s))


class _Resolver:
    def __init__(self, an: Analysis, actors: ActorIndex, citations: list[Citation]) -> None:
        self.an = an
        self.actors = actors
        self.citations = citations
        self.done: list[tuple[int, Attribution]] = []  # (quote start, attribution) so far

    # -- names -------------------------------------------------------------
    def _from_mention(self, m: Mention) -> Attribution:
        actor = self.actors.at(m.start, m.end) or self.actors.find(m.text)
        if actor is not None:
            _note(actor, m.start, m.end)
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
        span = self.an.doc.char_span(s, e, alignment_mode="contract")
        return span is not None and any(t.tag_.startswith(("VB", "MD")) and t.text.islower() for t in span)

    def _has_noun(self, s: int, e: int) -> bool:
        span = self.an.doc.char_span(s, e, alignment_mode="contract")
        return span is not None and any(t.tag_.startswith("NN") for t in span)

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
            if not self.an.tag_at(zs + tail.start(1)).startswith("RB"):
                break
            ze = zs + tail.start()  # 'The health directorate later said'
        phrase = text[zs:ze]
        if ze <= zs or _words(phrase) > 14 or _sentence_break(phrase) or re.search(r"[\"“”]", phrase):
            return None
        if _PREPOSITION_START.match(phrase):
            return None
        if self._has_verb(zs, ze) and _words(phrase) > 1:
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
                _note(actor, s, s + len(cap))
                return Attribution(actor.name, [(s, s + len(cap))], True, [], actor)
        if _words(phrase) > 8 or not self._has_noun(zs, ze):
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
                if word and _ABBREV.match(word[0]) and m.start() < len(after) - 1:
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
        doc = self.an.doc
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            return False
        i = span.end
        if i + 1 < len(doc) and doc[i].lower_ in ("and", "or") and doc[i + 1].tag_ == "NNP":
            i += 1
            while i < len(doc) and doc[i].tag_ == "NNP":
                i += 1
        while i < len(doc) and doc[i].tag_ in ("RB", "POS") and doc[i].text not in ("’s", "'s"):
            i += 1
        if i < len(doc) and doc[i].text == ",":
            close = next((j for j in range(i + 1, min(len(doc), i + 16)) if doc[j].text == ","), None)
            i = close + 1 if close is not None else i
        return i < len(doc) and doc[i].tag_ in ("VBD", "VBZ", "VBP", "MD")

    def resolve_pronoun(self, pron: str, ps: int, pe: int) -> Attribution:
        """The person (or body, for 'they') a reporting pronoun stands for: the most salient compatible
        antecedent over the last paragraphs (recent, in subject position, an earlier speaker)."""
        gender = _PRONOUNS.get(pron)
        an = self.an
        para = an.paragraph_index(ps)
        window_start = an.paragraphs[max(0, para - 3)][0] if an.paragraphs else 0
        cur = an.sentence_index(ps)
        speakers = {id(a.actor) for start, a in self.done if a.actor is not None and start >= window_start}
        ranked: list[tuple[float, ActorRec, tuple[int, int]]] = []
        person = pron in ("he", "she", "him", "her", "i")
        for a in self.actors.actors:
            if (a.kind is ActorKind.PERSON) != person or (gender and a.gender and a.gender != gender):
                continue
            before = [(s, e) for s, e in a.mentions if window_start <= s and e <= ps and not an.in_quote(s)]
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

    # -- one quote ----------------------------------------------------------
    def attribute(self, q: RawQuote) -> Attribution:
        an, text = self.an, self.an.text
        segs = q.segments
        result: Attribution | None = None
        zones: list[tuple[int, int]] = []
        if len(segs) > 1 and segs[0].close is not None:
            zones.append((segs[0].close + 1, segs[1].open))
        last = segs[-1]
        if last.close is not None:
            _, pe = an.paragraph_at(last.close)
            _, se = an.sentence_at(last.close)
            end = se if se > last.close + 1 else an.sentence_at(last.close + 2)[1]
            nxt = re.search(r"[\"“”]", text[last.close + 1 : min(end, pe)])
            zones.append((last.close + 1, last.close + 1 + nxt.start() if nxt else min(end, pe)))
        for zs, ze in zones:
            chunk = text[zs:ze]
            m = next((v for v in VERB_RE.finditer(chunk) if self._is_verb(zs + v.start())), None)
            if m is None or _words(chunk[: m.start()]) > 25:
                dash = re.match(r"\s*[―—–-]\s*", chunk)
                if dash and (res := self.resolve_name(zs + dash.end(), ze)) is not None and res.speaker:
                    res.zone = (zs, ze)
                    result = res
                    break
                continue
            vs, ve = zs + m.start(), zs + m.end()
            if m.group().lower() == "according to":
                result = self.subject_after(ve, ze)
            elif chunk[: m.start()].strip(" ,\n—–-"):
                result = self.subject_before(zs, vs)
            else:
                result = self.subject_after(ve, ze)
            if result is not None and result.speaker:
                result.zone = (zs, ze)
                break
            result = None
        if result is None:
            result = self._from_before(q)
        if result is None:
            result = self._continuation(q)
        result.reported_via = self._via(q, result)
        self.done.append((q.start, result))
        return result

    def _from_before(self, q: RawQuote) -> Attribution | None:
        an, text = self.an, self.an.text
        ss, _ = an.sentence_at(q.start)
        ps, _ = an.paragraph_at(q.start)
        lo = max(ss, ps)
        if lo == q.start and q.start > ps:
            lo = an.sentence_at(q.start - 1)[0]
        prior = [qe for qs, qe in an.quoted if lo <= qe <= q.start]
        if prior:
            lo = max(prior)
        pre = text[lo : q.start]
        hits = [
            m
            for m in VERB_RE.finditer(pre)
            if not an.in_quote(lo + m.start()) and self._is_verb(lo + m.start())
        ]
        if not hits and pre.rstrip().endswith(":"):  # 'X's new message: "..."'
            return self.sentence_subject(lo, q.start)
        if not hits and q.start == ps and ps > 0:  # 'X said:' ending the previous paragraph
            pps, ppe = an.paragraph_at(ps - 1)
            prev = text[pps:ppe].rstrip()
            if prev.endswith(":"):
                hits2 = list(VERB_RE.finditer(prev))
                if hits2:
                    m2 = hits2[-1]
                    zs = an.sentence_at(pps + m2.start())[0]
                    res = self._verb_subject(zs, pps + m2.start(), pps + m2.end())
                    if res is not None:
                        return res
            return None
        same = [a for start, a in self.done if lo <= start < q.start and a.speaker]
        for m in reversed(hits):
            if _words(pre[m.end() :]) > 45:
                break
            res = self._verb_subject(lo, lo + m.start(), lo + m.end())
            if res is not None:
                return res
        if same:  # an earlier quote in the same sentence: 'called him "disgusting" and "a con"'
            earlier = same[-1]
            return Attribution(
                earlier.speaker, list(earlier.spans), earlier.decided, list(earlier.candidates), earlier.actor
            )
        return None

    def _verb_subject(self, lo: int, vs: int, ve: int) -> Attribution | None:
        text = self.an.text
        verb = text[vs:ve].lower()
        if verb == "according to":
            return self.subject_after(ve, ve + 80)
        if verb.endswith("ing") and re.search(r",\s*$", text[lo:vs]):
            return self.sentence_subject(lo, vs)
        res = self.subject_before(lo, vs)
        if res is None or not res.speaker:
            res = self.subject_after(ve, ve + 60)
        return res if res is not None and res.speaker else None

    def _continuation(self, q: RawQuote) -> Attribution:
        an = self.an
        if not self.done:
            return Attribution(None, [], False, [], None)
        prev_start, prev = self.done[-1]
        same_para = an.paragraph_index(prev_start) == an.paragraph_index(q.start)
        near = an.paragraph_index(q.start) - an.paragraph_index(prev_start) <= 1
        if prev.speaker and near:
            return Attribution(
                prev.speaker, list(prev.spans), same_para, [] if same_para else [prev.speaker], prev.actor
            )
        names = [a.speaker for _, a in reversed(self.done) if a.speaker]
        return Attribution(None, [], False, list(dict.fromkeys(names))[:3], None)

    def _via(self, q: RawQuote, res: Attribution) -> str | None:
        an = self.an
        lo = an.sentence_at(q.start)[0]
        hi = an.sentence_at(q.end - 1)[1]
        if res.zone:
            hi = max(hi, an.sentence_at(res.zone[1] - 1)[1] if res.zone[1] > res.zone[0] else hi)
        for c in self.citations:
            inside = q.start <= c.at < q.end
            if (
                lo <= c.at < hi
                and c.kind == "media"
                and not inside
                and (res.actor is None or c.name != res.actor.name)
            ):
                return c.name
        return None


def attribute(
    an: Analysis, quotes: list[RawQuote], actors: ActorIndex, citations: list[Citation]
) -> list[Attribution]:
    """One attribution per quote, in order (pronouns may refer back to earlier speakers)."""
    resolver = _Resolver(an, actors, citations)
    return [resolver.attribute(q) for q in quotes]


def reporter_of(an: Analysis, actors: ActorIndex, start: int, end: int) -> str | None:
    """Who reports the fact at ``text[start:end]``: the subject of a reporting verb in its sentence
    ("The monitor, an independent group, said 27 ...", "... 31 were killed, the army said")."""
    r = _Resolver(an, actors, [])
    text = an.text
    ss, se = an.sentence_at(start)
    before = [
        m for m in VERB_RE.finditer(text, ss, start) if r._is_verb(m.start()) and not an.in_quote(m.start())
    ]
    for m in reversed(before):
        res = r._verb_subject(ss, m.start(), m.end())
        if res is not None and res.speaker and not an.in_quote(res.spans[0][0] if res.spans else ss):
            return res.speaker
    for m in VERB_RE.finditer(text, end, se):
        if not r._is_verb(m.start()) or an.in_quote(m.start()):
            continue
        verb = m.group().lower()
        if verb == "according to":
            res = r.subject_after(m.end(), se)
        elif verb.endswith("ing") and re.search(r",\s*$", text[ss : m.start()]):
            res = r.sentence_subject(ss, m.start())
        elif text[end : m.start()].strip(" ,"):
            res = r.subject_before(end, m.start())
        else:
            res = r.subject_after(m.end(), se)
        return res.speaker if res is not None else None
    return None
