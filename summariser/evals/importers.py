"""Public corpora turned into cases at run time (their texts are never copied into the project).

``polnear:PATH`` — PATH is a PolNeAR split folder (``text/``, ``attributions/``; ``../metadata.tsv`` gives
the publication date). One case per article, scoring ``quotes`` only. Several annotators may annotate
one article: the annotation file with the most attribution relations is used, ties going to the
smallest annotator id. A direct quote is a Content span containing quotation marks; its text is what
stands inside the outermost marks (one segment per quoted stretch, joined by a space), its speaker the
linked Source as written. A pronoun or relative Source ("he", "who") is resolved to the nearest named
Source before it in the same annotation file; when there is none, the speaker is not scored.

``wikievents:PATH`` — PATH is WikiEvents ``dev.jsonl``. One case per document, scoring ``event_type``
and, recall-only (the arguments are not an exhaustive list), ``locations``, ``perpetrators`` and
``actors``. Event mentions map to our taxonomy by ``EVENT_MAP``; ``Conflict.Attack.Unspecified`` is
*Battles*, or *Explosions/Remote violence* when its trigger or the document's first sentence names an
explosive or the document has a ``DetonateExplode`` event. The document's type is the most frequent
mapped type, ties broken by ``PRIORITY``. Attacker/Killer/Injurer/Perpetrator arguments become
perpetrators; Victim/Target arguments that are people, organisations or states become actors; Place
arguments become locations. Only named mentions count: a capitalised word that is not a pronoun or a
demonym ("Americans"); a lone sentence-initial word only when it is capitalised mid-sentence elsewhere.
Mentions that match each other by name are merged, the longest being canonical and the rest aliases.

``gva:PATH`` — PATH is ``gva/dev.jsonl`` (US gun-violence reports linked to Gun Violence Archive
records; see its README). One case per report, published on the record's ``published`` date, scoring
``toll`` (killed always, injured when the report states it: ``gold.injured`` not null), ``locations``
recall-only against the gold city (the state as an alias-free second name is not scored: the question is
whether the brief names the city), ``time`` (``date_accuracy`` and ``date_within_1d`` against the GVA
incident date) and, when the record names attackers whose surname is in the text, ``perpetrators``
recall-only.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import EvalError
from ..schema.taxonomy import EventType
from .matching import name_similarity
from .models import (
    Case,
    GoldActor,
    Golden,
    GoldEvent,
    GoldLocation,
    GoldPerpetrator,
    GoldQuote,
    GoldTime,
    GoldToll,
)

__all__ = ["EVENT_MAP", "IMPORTERS", "PRIORITY", "load_gva", "load_polnear", "load_wikievents"]

_PRONOUN_WORDS = (
    "i me we us you he him she her it they them who whom which that this those these his hers its their"
)
PRONOUNS = frozenset([*_PRONOUN_WORDS.split(), "their"])
_OPEN, _CLOSE, _STRAIGHT = "“", "”", '"'


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read: {exc}") from exc


# ---------------------------------------------------------------- PolNeAR


def _parse_ann(text: str) -> tuple[dict[str, tuple[str, list[tuple[int, int]]]], list[dict[str, str]]]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in text.splitlines():
        cols = line.split("\t")
        if line.startswith("T") and len(cols) >= 2:
            label, _, ranges = cols[1].partition(" ")
            frags = [tuple(int(x) for x in r.split()) for r in ranges.split(";")]
            spans[cols[0]] = (label, [(f[0], f[1]) for f in frags])
        elif line.startswith("E") and len(cols) >= 2:
            events.append(dict(arg.split(":", 1) for arg in cols[1].split() if ":" in arg))
    return spans, events


def quoted_segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Offsets of the stretches inside the outermost quotation marks of ``text[start:end]``."""
    out: list[tuple[int, int]] = []
    stack: list[str] = []
    seg_start = start
    for i in range(start, end):
        c = text[i]
        opens = c == _OPEN or (c == _STRAIGHT and not (stack and stack[-1] == _STRAIGHT))
        if opens:
            if not stack:
                seg_start = i + 1
            stack.append(c)
        elif c in (_CLOSE, _STRAIGHT):
            if stack:
                stack.pop()
                if not stack:
                    out.append((seg_start, i))
            elif not out:  # the quote opened before the span
                out.append((start, i))
    if stack:
        out.append((seg_start, end))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _named(source: str) -> bool:
    words = source.split()
    return not (len(words) == 1 and words[0].casefold() in PRONOUNS) and any(
        w[:1].isupper() and w.casefold() not in PRONOUNS | {"the", "a", "an"} for w in words
    )


def _annotator_files(path: Path) -> dict[str, list[Path]]:
    by_article: dict[str, list[Path]] = {}
    for ann in sorted((path / "attributions").glob("*.ann")):
        by_article.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    return by_article


def _polnear_dates(path: Path) -> dict[str, str]:
    meta = path.parent / "metadata.tsv"
    if not meta.is_file():
        return {}
    with meta.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {r["filename"]: r["publication_date"] for r in rows if r.get("publication_date")}


def _polnear_quotes(article: str, ann_text: str) -> list[GoldQuote]:
    spans, events = _parse_ann(ann_text)
    sources = sorted(
        (frags[0][0], article[frags[0][0] : frags[0][1]])
        for label, frags in spans.values()
        if label == "Source"
    )
    quotes: dict[str, GoldQuote] = {}
    for ev in sorted(events, key=lambda e: spans.get(e.get("Content", ""), ("", [(0, 0)]))[1][0][0]):
        content, source = spans.get(ev.get("Content", "")), spans.get(ev.get("Source", ""))
        if content is None:
            continue
        pieces = [article[s:e].strip() for f0, f1 in content[1] for s, e in quoted_segments(article, f0, f1)]
        if not pieces:
            continue
        speaker = None
        if source is not None:
            s0, s1 = source[1][0]
            speaker = article[s0:s1].strip()
            if not _named(speaker):
                named = [name for start, name in sources if start < s0 and _named(name)]
                speaker = named[-1] if named else None
        quote = GoldQuote(segments=pieces, speaker=speaker)
        quotes.setdefault(re.sub(r"\s+", " ", quote.text.casefold()), quote)
    return list(quotes.values())


def load_polnear(path: Path) -> list[Case]:
    """One case per PolNeAR article of the split at ``path`` (see the module docstring)."""
    if not (path / "text").is_dir() or not (path / "attributions").is_dir():
        raise EvalError(
            f"{path}: not a PolNeAR split (needs text/ and attributions/)",
            hint="the shared data lives in ../shared/data/polnear/dev beside the project",
        )
    dates = _polnear_dates(path)
    cases = []
    for article_id, anns in sorted(_annotator_files(path).items()):
        text_file = path / "text" / f"{article_id}.txt"
        if not text_file.is_file():
            raise EvalError(f"{text_file}: annotated article missing")
        article = _read(text_file)
        texts = {a: _read(a) for a in anns}
        chosen = min(
            anns, key=lambda a: (-sum(line.startswith("E") for line in texts[a].splitlines()), a.name)
        )
        golden = Golden(event=GoldEvent(type=EventType.OTHER), quotes=_polnear_quotes(article, texts[chosen]))
        cases.append(
            Case(
                id=f"polnear-{article_id}",
                article=article,
                article_file=str(text_file),
                published=dates.get(article_id),
                golden=golden,
                fields=["quotes"],
                origin="polnear",
            )
        )
    if not cases:
        raise EvalError(f"{path}: no annotated articles")
    return cases


# ---------------------------------------------------------------- WikiEvents

EVENT_MAP: dict[str, EventType] = {
    "Conflict.Attack.DetonateExplode": EventType.EXPLOSIONS,
    "Conflict.Attack.Unspecified": EventType.BATTLES,
    "Conflict.Demonstrate.Unspecified": EventType.PROTESTS,
    "Conflict.Demonstrate.DemonstrateWithViolence": EventType.RIOTS,
    "GenericCrime.GenericCrime.GenericCrime": EventType.VIOLENCE_AGAINST_CIVILIANS,
    "Justice.ArrestJailDetain.Unspecified": EventType.STRATEGIC,
    "ArtifactExistence.DamageDestroyDisableDismantle.Damage": EventType.STRATEGIC,
    "ArtifactExistence.DamageDestroyDisableDismantle.Destroy": EventType.STRATEGIC,
    "Contact.Contact.Meet": EventType.DIPLOMATIC,
    "Contact.RequestCommand.Meet": EventType.DIPLOMATIC,
}
PRIORITY: tuple[EventType, ...] = (
    EventType.EXPLOSIONS,
    EventType.BATTLES,
    EventType.VIOLENCE_AGAINST_CIVILIANS,
    EventType.RIOTS,
    EventType.PROTESTS,
    EventType.STRATEGIC,
    EventType.DIPLOMATIC,
)
_EXPLOSIVE = re.compile(r"bomb|blast|explo|strike|shell|missile|rocket|mortar|drone|ied|grenade|mine", re.I)
_PERPETRATOR_ROLES = frozenset({"Attacker", "Killer", "Injurer", "Perpetrator"})
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ans|ese|ish)$")
_ACTOR_ROLES = frozenset({"Victim", "Target"})
_ACTOR_TYPES = frozenset({"PER", "ORG", "GPE"})
_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})


def _document_type(doc: dict[str, Any]) -> EventType | None:
    mentions = doc.get("event_mentions", [])
    sentences = doc.get("sentences") or [[[], ""]]
    has_explosion = any(m["event_type"] == "Conflict.Attack.DetonateExplode" for m in mentions) or bool(
        _EXPLOSIVE.search(str(sentences[0][1]))
    )
    counts: Counter[EventType] = Counter()
    for m in mentions:
        mapped = EVENT_MAP.get(m["event_type"])
        if mapped is EventType.BATTLES and (has_explosion or _EXPLOSIVE.search(m["trigger"]["text"])):
            mapped = EventType.EXPLOSIONS
        if mapped is not None:
            counts[mapped] += 1
    if not counts:
        return None
    return max(counts, key=lambda t: (counts[t], -PRIORITY.index(t)))


def _token_offsets(doc: dict[str, Any]) -> list[int]:
    """Character offset of every token of the document (sentences hold [token, start, end] triples)."""
    return [int(tok[1]) for sentence in doc.get("sentences", []) for tok in sentence[0]]


def _is_named(mention: dict[str, Any], offsets: list[int], text: str) -> bool:
    words = mention["text"].split()
    if not words or not _named(mention["text"]) or _DEMONYM.match(mention["text"]):
        return False
    if len(words) > 1:
        return True
    approx = offsets[mention["start"]] if mention["start"] < len(offsets) else 0
    found = [m.start() for m in re.finditer(rf"\b{re.escape(words[0])}\b", text)]  # offsets drift a little
    start = min(found, key=lambda i: abs(i - approx), default=approx)
    before = text[:start].rstrip()
    if before and before[-1] not in '.!?:"”' and not re.search(r"\b(?:an?|the)$", before):
        return True
    # a lone word opening a sentence ("Scores") or after an article ("an Afghani") is a name only if it is
    # capitalised after a lower-case word elsewhere
    return re.search(rf"\b[a-z]+,? {re.escape(words[0])}\b", text.replace(f"an {words[0]}", "")) is not None


def _merge(names: list[str]) -> list[tuple[str, list[str]]]:
    """Group names that match each other; the longest is canonical."""
    groups: list[list[str]] = []
    for name in names:
        group = next((g for g in groups if any(name_similarity(name, n) >= 0.9 for n in g)), None)
        if group is None:
            groups.append([name])
        elif name not in group:
            group.append(name)
    out = []
    for g in groups:
        canonical = max(g, key=len)
        out.append((canonical, sorted(n for n in g if n != canonical)))
    return out


def _wikievents_case(doc: dict[str, Any], source: Path) -> Case:
    entities = {e["id"]: e for e in doc.get("entity_mentions", [])}
    offsets = _token_offsets(doc)
    roles: dict[str, list[str]] = {"perpetrators": [], "actors": [], "locations": []}
    for m in doc.get("event_mentions", []):
        for arg in m.get("arguments", []):
            ent = entities.get(arg["entity_id"])
            if ent is None or not _is_named(ent, offsets, doc["text"]):
                continue
            if arg["role"] in _PERPETRATOR_ROLES:
                roles["perpetrators"].append(ent["text"])
            elif arg["role"] in _ACTOR_ROLES and ent["entity_type"] in _ACTOR_TYPES:
                roles["actors"].append(ent["text"])
            elif arg["role"] == "Place" and ent["entity_type"] in _PLACE_TYPES:
                roles["locations"].append(ent["text"])
    event_type = _document_type(doc)
    golden = Golden(
        event=GoldEvent(type=event_type or EventType.OTHER),
        perpetrators=[GoldPerpetrator(name=n, aliases=a) for n, a in _merge(roles["perpetrators"])],
        actors=[GoldActor(name=n, aliases=a) for n, a in _merge(roles["actors"])],
        locations=[GoldLocation(name=n, aliases=a) for n, a in _merge(roles["locations"])],
    )
    partial = ["locations", "perpetrators", "actors"]
    return Case(
        id=f"wikievents-{doc['doc_id']}",
        article=doc["text"],
        article_file=f"{source}#{doc['doc_id']}",
        golden=golden,
        fields=(["event_type"] if event_type else []) + partial,
        recall_only=partial,
        origin="wikievents",
    )


def load_wikievents(path: Path) -> list[Case]:
    """One case per WikiEvents document in ``path`` (a ``.jsonl`` file; see the module docstring)."""
    if not path.is_file():
        raise EvalError(
            f"{path}: WikiEvents file not found",
            hint="give the dev.jsonl file, e.g. wikievents:../shared/data/wikievents/dev.jsonl",
        )
    cases = []
    for n, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            cases.append(_wikievents_case(doc, path))
        except (json.JSONDecodeError, KeyError, TypeError, IndexError) as exc:
            raise EvalError(f"{path}:{n}: not a WikiEvents document: {exc!r}") from exc
    if not cases:
        raise EvalError(f"{path}: no documents")
    return sorted(cases, key=lambda c: c.id)


# ---------------------------------------------------------------- GVA


def _gva_case(rec: dict[str, Any], source: Path) -> Case:
    gold = rec["gold"]
    city = (gold.get("location") or {}).get("city")
    attackers = [a for a in gold.get("attackers") or [] if a]
    golden = Golden(
        event=GoldEvent(type=EventType.VIOLENCE_AGAINST_CIVILIANS),
        toll=GoldToll(killed=gold.get("killed"), injured=gold.get("injured")),
        locations=[GoldLocation(name=city, country=(gold.get("location") or {}).get("country"))]
        if city
        else [],
        time=GoldTime(date=gold.get("date")),
        perpetrators=[GoldPerpetrator(name=a) for a in attackers],
    )
    fields = ["toll", "time"] + (["locations"] if city else []) + (["perpetrators"] if attackers else [])
    return Case(
        id=str(rec["id"]),
        article=rec["text"],
        article_file=f"{source}#{rec['id']}",
        published=rec.get("published"),
        golden=golden,
        fields=fields,
        recall_only=["locations", "perpetrators"],
        origin="gva",
    )


def load_gva(path: Path) -> list[Case]:
    """One case per record of a GVA ``.jsonl`` file (see the module docstring)."""
    if not path.is_file():
        raise EvalError(
            f"{path}: GVA file not found",
            hint="give the dev.jsonl file, e.g. gva:../shared/data/gva/dev.jsonl",
        )
    cases = []
    for n, line in enumerate(_read(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(_gva_case(json.loads(line), path))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
            raise EvalError(f"{path}:{n}: not a GVA record: {exc!r}") from exc
    if not cases:
        raise EvalError(f"{path}: no records")
    return sorted(cases, key=lambda c: c.id)


IMPORTERS: dict[str, Callable[[Path], list[Case]]] = {
    "polnear": load_polnear,
    "wikievents": load_wikievents,
    "gva": load_gva,
}
