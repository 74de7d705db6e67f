"""Who said each quote: the reporting verb and its subject next to the quote, pronouns resolved to the
last compatible person named, partial names to the full actor, the outlet it was reported through.
A speaker the rules cannot settle is left undecided with ranked candidates (the model step asks).
"""

from __future__ import annotations

import re

from ..schema.brief import ActorKind
from .actors import ActorIndex
from .nlp import Analysis
from .quotes import VERB_RE, RawQuote
from .sources import Citation
from .speaker_names import Attribution, NameResolver, words

__all__ = ["Attribution", "attribute", "pronoun_referent"]

_INVERTING = re.compile(
    r"(?:said|says|added|adds|wrote|writes|tweeted|asked|replied|continued|explained|noted|recalled|"
    r"according to|insisted|declared|warned|concluded)$",
    re.IGNORECASE,
)


_MAX_CANDIDATES = 5
_SPEAKING = (
    ActorKind.PERSON,
    ActorKind.GOVERNMENT,
    ActorKind.POLITICAL_BODY,
    ActorKind.INTERNATIONAL_ORG,
    ActorKind.ARMED_GROUP,
    ActorKind.MEDIA,
    ActorKind.OTHER,
)
_NAME_THEN_STOP = re.compile(r"\s+(?:the\s+)?[A-Z][^,:;.\"“”]{0,60}?(?=[,:;.]?\s*[\"“”]|[,:;.—–])")


class _Resolver(NameResolver):
    def __init__(self, an: Analysis, actors: ActorIndex, citations: list[Citation]) -> None:
        super().__init__(an, actors)
        self.citations = citations

    # -- one quote ----------------------------------------------------------
    def attribute(self, q: RawQuote) -> Attribution:
        an, text = self.an, self.an.text
        segs = q.segments
        result: Attribution | None = None
        zones: list[tuple[int, int, bool]] = []  # (start, end, in the sentence after the quote's)
        if len(segs) > 1 and segs[0].close is not None:
            zones.append((segs[0].close + 1, segs[1].open, False))
        last = segs[-1]
        if last.close is not None:
            _, pe = an.paragraph_at(last.close)
            _, se = an.sentence_at(last.close)
            after = se <= last.close + 1
            end = an.sentence_at(last.close + 2)[1] if after else se
            nxt = re.search(r"[\"“”]", text[last.close + 1 : min(end, pe)])
            zones.append((last.close + 1, last.close + 1 + nxt.start() if nxt else min(end, pe), after))
        for zs, ze, next_sentence in zones:
            chunk = text[zs:ze]
            m = next((v for v in VERB_RE.finditer(chunk) if self._is_verb(zs + v.start())), None)
            # the sentence after a quote attributes it only when it opens with the attribution ('X said.')
            if m is not None and next_sentence and words(chunk[: m.start()]) > 6:
                m = None
            if m is None or words(chunk[: m.start()]) > 25:
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
        if not result.decided:
            result.candidates = self._ranked(q, result)
            if result.speaker is None and result.candidates:  # the best guess; the model step may change it
                result.speaker = result.candidates[0]
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
        prior = an.quote_ends_in(lo, q.start)
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
            if words(pre[m.end() :]) > 45:
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
        if (res is None or not res.speaker) and _INVERTING.match(verb) and self._inverted(ve):
            res = self.subject_after(ve, ve + 60)  # 'said Rep. Smith: "..."'
        return res if res is not None and res.speaker else None

    def _inverted(self, ve: int) -> bool:
        """A name, and then punctuation or a quotation mark, right after the verb."""
        text = self.an.text
        return _NAME_THEN_STOP.match(text[ve : ve + 80]) is not None

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

    def _ranked(self, q: RawQuote, res: Attribution) -> list[str]:
        """Candidates for an undecided speaker, most likely first: the rules' guess and its rivals, the
        people and bodies named in the quote's sentence and the one before (outside quotes), then the
        latest speakers."""
        an = self.an
        si = an.sentence_index(q.start)
        own = an.sentences[si] if an.sentences else (0, len(an.text))
        prev = an.sentences[si - 1] if si > 0 else (own[0], own[0])
        hi = an.sentence_at(max(q.start, q.end - 1))[1]
        names = [res.speaker, *res.candidates]
        for lo_, hi_ in ((own[0], hi), prev):
            for m in an.mentions_in(lo_, hi_, ("PERSON", "ORG")):
                if an.in_quote(m.start) or self._prepositional(m.start, lo_):
                    continue
                actor = self.actors.at(m.start, m.end)
                if actor is not None and actor.kind in _SPEAKING:
                    names.append(actor.name)
                elif actor is None and m.label == "PERSON":
                    names.append(m.text)
        names += [a.speaker for _, a in reversed(self.done[-4:]) if a.speaker]
        out: list[str] = []
        for n in names:
            if n and n.casefold() not in {o.casefold() for o in out}:
                out.append(n)
        return out[:_MAX_CANDIDATES]

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


def pronoun_referent(an: Analysis, actors: ActorIndex, pron: str, start: int, end: int) -> str | None:
    """Who the pronoun at ``text[start:end]`` most likely stands for (the speaker rules' ranking)."""
    return _Resolver(an, actors, []).resolve_pronoun(pron.lower(), start, end).speaker
