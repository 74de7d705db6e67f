"""A 10-line regex baseline on the GVA dev reports, scored like ``summariser eval gva:...``.

    python -m benchmarks.gva_regex [PATH]   # default ../shared/data/gva/dev.jsonl

What a newcomer would write in ten lines: the first "N ... killed/dead" and "N ... wounded/injured" of the
report (none: 0), the first dateline or "in City" as the city, the publication date as the event's date,
and "identified ... as First Last" as the attacker. Writes ``benchmarks/results/gva_regex.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, SHARED

GVA_DEV = SHARED / "data" / "gva" / "dev.jsonl"
_N = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_WORDS = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}


# ---- the baseline itself (ten lines)
def _count(text: str, words: str) -> int:
    m = re.search(_N + rf"\s+(?:[\w-]+\s+){{0,3}}?(?:{words})\b", text, re.IGNORECASE)
    return 0 if m is None else int(m[1]) if m[1].isdigit() else _WORDS[m[1].lower()]


def regex_guess(text: str, published: str) -> dict[str, Any]:
    city = re.search(r"^([A-Z][A-Z .'-]+[A-Z])\b[^\n]{0,30}?(?:—|--|\(|-)", text, re.MULTILINE)
    city = city or re.search(r"\bin ([A-Z][a-z]+(?: [A-Z][a-z]+)?)", text)
    attacker = re.search(r"identified (?:\w+ ){0,3}?as ([A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+)", text)
    return {
        "killed": _count(text, "killed|dead|died"),
        "injured": _count(text, "injured|wounded|hurt"),
        "city": city[1].title() if city else None,
        "date": published,
        "attackers": [attacker[1]] if attacker else [],
    }


# ---- scoring, as the harness scores the same fields
def _surname_in(name: str, found: list[str]) -> bool:
    return any(name.split()[-1].lower() in f.lower() for f in found)


def score(path: Path) -> dict[str, Any]:
    tallies = {k: [0, 0] for k in ("killed", "injured", "city", "date", "date_1d", "attackers")}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold, guess = rec["gold"], regex_guess(rec["text"], rec["published"])
        checks: list[tuple[str, bool]] = [("killed", guess["killed"] == gold["killed"])]
        if gold["injured"] is not None:
            checks.append(("injured", guess["injured"] == gold["injured"]))
        checks.append(("city", (guess["city"] or "").lower() == gold["location"]["city"].lower()))
        days = abs((dt.date.fromisoformat(guess["date"]) - dt.date.fromisoformat(gold["date"])).days)
        checks += [("date", days == 0), ("date_1d", days <= 1)]
        checks += [("attackers", _surname_in(a, guess["attackers"])) for a in gold["attackers"]]
        for key, ok in checks:
            tallies[key][0] += int(ok)
            tallies[key][1] += 1
    return {k: {"accuracy": round(n / d, 3) if d else None, "n": d} for k, (n, d) in tallies.items()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else GVA_DEV
    result = {"benchmark": "gva_regex", "data": str(path), "scores": score(path)}
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "gva_regex.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["scores"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
