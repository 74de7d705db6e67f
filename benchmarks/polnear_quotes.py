"""Score the extractor's direct quotes and speakers against PolNeAR (dev) attributions.

    .venv/bin/python benchmarks/polnear_quotes.py [--data ../shared/data/polnear/dev] [--limit N] [--errors]

Gold: for every attribution relation (``E`` line) whose Content span contains a double quotation mark
(" “ ”), the Content spans are a gold direct quote and its Source span is the speaker as written. Articles
annotated twice are scored once, with the annotator file that sorts first.

Quote recall: gold direct quotes overlapped by at least one segment of a predicted quote.
Quote precision: predicted quotes with a segment overlapping some gold direct-quote Content (a quoted
stretch nobody annotated as attributed speech, e.g. a scare quote, counts against precision).

Calibration: how often the speakers the rules call decided are right, and for the ones left open (the
model step asks about those) whether the right speaker is among the candidates offered.

Speaker accuracy, over matched gold quotes that have a Source (the predicted quote overlapping most):
- named/nominal source: correct when the gold Source text and the predicted speaker (its name or the text
  at its speaker span) share a content token (case-folded, stop words and role words such as "said" left
  out), or the predicted speaker span overlaps the gold Source span;
- pronoun source ("he", "she", "they", ...): the gold does not resolve it, so it is counted correct when the
  predicted speaker shares a token with the nearest preceding non-pronoun gold Source within the three
  paragraphs before it (the usual antecedent of "he said" in news), or overlaps the pronoun span itself.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summariser.extract import extract  # noqa: E402

DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "polnear" / "dev"
_QUOTE = re.compile(r"[\"“”]")
_PRONOUNS = {"he", "she", "they", "i", "we", "it", "him", "her", "them", "you"}
_STOP = {
    "the",
    "a",
    "an",
    "of",
    "for",
    "to",
    "and",
    "in",
    "on",
    "at",
    "by",
    "with",
    "said",
    "says",
    "his",
    "her",
    "their",
    "its",
    "who",
    "that",
    "this",
    "s",
    "'s",
    "’s",
    "mr",
    "mrs",
    "ms",
    "dr",
}


@dataclass
class Gold:
    spans: list[tuple[int, int]]
    source: str | None
    source_span: tuple[int, int] | None


@dataclass
class Tally:
    gold: int = 0
    gold_matched: int = 0
    pred: int = 0
    pred_matched: int = 0
    spk_total: int = 0
    spk_correct: int = 0
    pron_total: int = 0
    pron_correct: int = 0
    decided_total: int = 0
    decided_correct: int = 0
    open_total: int = 0  # speaker left undecided (the model step would be asked)
    open_correct: int = 0  # ... and the rules' first guess is right anyway
    open_in_candidates: int = 0  # ... and the right speaker is among the candidates offered
    errors: list[str] = field(default_factory=list)


def _spans(s: str) -> list[tuple[int, int]]:
    out = []
    for part in s.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_gold(ann: Path) -> tuple[list[Gold], list[tuple[tuple[int, int], str]]]:
    """Gold direct quotes, and every Source span (for pronoun antecedents)."""
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    rels: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, info, txt = [*line.split("\t"), ""][:3]
            label, _, offsets = info.partition(" ")
            spans[tid] = (label, _spans(offsets), txt)
        elif line.startswith("E"):
            _, args = line.split("\t", 1)
            rels.append(dict(a.split(":", 1) for a in args.split()))
    golds: list[Gold] = []
    sources: list[tuple[tuple[int, int], str]] = []
    for rel in rels:
        src = spans.get(rel.get("Source", ""))
        if src:
            sources.append((src[1][0], src[2]))
        content = spans.get(rel.get("Content", ""))
        if content is None or not _QUOTE.search(content[2]):
            continue
        golds.append(Gold(content[1], src[2] if src else None, src[1][0] if src else None))
    sources.sort()
    return golds, sources


def _tokens(s: str | None) -> set[str]:
    if not s:
        return set()
    return {t for t in re.findall(r"[a-z][a-z'’-]+", s.lower()) if t not in _STOP and len(t) > 1}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_article(
    text: str, golds: list[Gold], sources: list[tuple[tuple[int, int], str]], t: Tally, name: str
) -> None:
    draft = extract(text)
    preds = draft.quotes
    t.gold += len(golds)
    t.pred += len(preds)
    for p in preds:
        if any(_overlap(s, g) for s in p.spans for gold in golds for g in gold.spans):
            t.pred_matched += 1
        else:
            t.errors.append(f"{name}: FP quote {text[p.spans[0][0] : p.spans[0][1]][:70]!r}")
    for gold in golds:
        best, best_ov = None, 0
        for p in preds:
            ov = sum(_overlap(s, g) for s in p.spans for g in gold.spans)
            if ov > best_ov:
                best, best_ov = p, ov
        if best is None:
            g0 = gold.spans[0]
            t.errors.append(f"{name}: missed quote {text[g0[0] : g0[1]][:70]!r}")
            continue
        t.gold_matched += 1
        if not gold.source or gold.source_span is None:
            continue
        said = " ".join([best.speaker or ""] + [text[s:e] for s, e in best.speaker_spans])
        pronoun = gold.source.strip().lower() in _PRONOUNS
        ok = bool(_tokens(gold.source) & _tokens(said)) or any(
            _overlap(sp, gold.source_span) for sp in best.speaker_spans
        )
        if pronoun and not ok:
            para_start = _para_floor(text, gold.source_span[0], 3)
            prior = [
                s
                for sp, s in sources
                if para_start <= sp[0] < gold.source_span[0] and s.strip().lower() not in _PRONOUNS
            ]
            ok = bool(prior) and bool(_tokens(prior[-1]) & _tokens(said))
        t.spk_total += 1
        t.spk_correct += ok
        if best.speaker_decided:
            t.decided_total += 1
            t.decided_correct += ok
        else:
            t.open_total += 1
            t.open_correct += ok
            options = [*best.speaker_candidates, best.speaker or ""]
            t.open_in_candidates += ok or any(_tokens(gold.source) & _tokens(o) for o in options)
        if pronoun:
            t.pron_total += 1
            t.pron_correct += ok
        if not ok:
            t.errors.append(
                f"{name}: speaker gold={gold.source!r} pred={best.speaker!r} quote={best.text[:50]!r}"
                + ("" if best.speaker_decided else f" (open; candidates {best.speaker_candidates})")
            )


def _para_floor(text: str, pos: int, n: int) -> int:
    cut = pos
    for _ in range(n + 1):
        found = text.rfind("\n", 0, cut)
        if found < 0:
            return 0
        cut = found
        while cut > 0 and text[cut - 1] == "\n":
            cut -= 1
    return cut


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument(
        "--errors", action="store_true", help="print every miss, false positive and wrong speaker"
    )
    args = ap.parse_args(argv)
    data = args.data.resolve()
    if not (data / "text").is_dir():
        print(f"PolNeAR dev not found at {data} (expected text/ and attributions/)", file=sys.stderr)
        return 2
    t = Tally()
    texts = sorted((data / "text").glob("*.txt"))
    if args.limit:
        texts = texts[: args.limit]
    extract("Warm up.")
    started = time.perf_counter()
    words = 0
    for path in texts:
        anns = sorted((data / "attributions").glob(f"{path.stem}_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        golds, sources = read_gold(anns[0])
        score_article(text, golds, sources, t, path.stem[:40])
    elapsed = time.perf_counter() - started
    if args.errors:
        print("\n".join(t.errors))
    rec = t.gold_matched / t.gold if t.gold else 0.0
    prec = t.pred_matched / t.pred if t.pred else 0.0
    f1 = 2 * rec * prec / (rec + prec) if rec + prec else 0.0
    print(
        f"articles: {len(texts)}  words: {words}  time:"
        f" {elapsed:.1f}s ({len(texts) / elapsed:.1f} articles/s)"
    )
    print(f"direct quotes: gold {t.gold}, predicted {t.pred}")
    print(f"quote recall {rec:.3f}  precision {prec:.3f}  F1 {f1:.3f}")
    acc = t.spk_correct / t.spk_total if t.spk_total else 0.0
    print(
        f"speaker accuracy {acc:.3f} ({t.spk_correct}/{t.spk_total}); pronoun sources "
        f"{t.pron_correct}/{t.pron_total}"
    )
    dec = t.decided_correct / t.decided_total if t.decided_total else 0.0
    print(
        f"decided by the rules: {t.decided_total} (accuracy {dec:.3f}); left open: {t.open_total} "
        f"(first guess right {t.open_correct}, right speaker among the candidates {t.open_in_candidates})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
