"""The event date on the GVA dev reports: the hand-written resolver (``summariser.grounding.dates``)
against ``dateparser``, both given the same time expression (the one the rules chose) and publication day.

    python -m benchmarks.gva_dates [PATH]   # writes benchmarks/results/gva_dates.json

Scores exact and within-one-day accuracy against the GVA incident date, on even and odd incident ids
(the rules were tuned on the even ones) and overall; a report with no expression counts as a miss.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, SHARED
from summariser.extract import extract_many
from summariser.grounding.dates import resolve_date

GVA_DEV = SHARED / "data" / "gva" / "dev.jsonl"


def _dateparser(text: str, published: dt.date) -> dt.date | None:
    import dateparser

    base = dt.datetime(published.year, published.month, published.day, 12)
    words = re.sub(r"\b(?:on|early|late|last|this|before dawn|after dark)\s+", "", text, flags=re.I)
    words = re.sub(r"\s+(?:morning|afternoon|evening|night|overnight)$", "", words, flags=re.I)
    found = dateparser.parse(
        words, languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    )
    return found.date() if found else None


def score(path: Path) -> dict[str, Any]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    drafts = extract_many([r["text"] for r in records])
    tallies: dict[str, dict[str, list[int]]] = {}
    for rec, draft in zip(records, drafts, strict=True):
        published = dt.date.fromisoformat(rec["published"])
        gold = dt.date.fromisoformat(rec["gold"]["date"])
        half = "even" if int(re.match(r"gva(\d+)", rec["id"])[1]) % 2 == 0 else "odd"  # type: ignore[index]
        text = draft.time_text
        for name, resolve in (("hand", resolve_date), ("dateparser", _dateparser)):
            got = resolve(text, published) if text else None
            days = abs((got - gold).days) if got else None
            for split in (half, "all"):
                t = tallies.setdefault(name, {}).setdefault(split, [0, 0, 0])
                t[0] += int(days == 0)
                t[1] += int(days is not None and days <= 1)
                t[2] += 1
    return {
        name: {
            split: {"exact": round(e / n, 3), "within_1d": round(w / n, 3), "n": n}
            for split, (e, w, n) in s.items()
        }
        for name, s in tallies.items()
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else GVA_DEV
    result = {"benchmark": "gva_dates", "data": str(path), "scores": score(path)}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "gva_dates.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["scores"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
