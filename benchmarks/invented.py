"""Short invented news reports (no real text) and the ``Draft`` a capable model would return for each.

Every article is built from a seeded choice of invented places, people and figures, so the matching
draft is known without reading the article: the benchmark's fake server answers with it, and every item
of it is in the article (grounding succeeds on the first try, as with a good model). Each article
carries a reference tag (``ref BNNN``) the server uses to find its draft.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["REF", "Invented", "invented_articles"]

REF = re.compile(r"ref (B\d{3,})")
_PLACES = [
    ("Velmora", "Ostrany"),
    ("Kestrin", "Dalvia"),
    ("Porthaven", "Morvania"),
    ("Ulmeth", "Tarsica"),
    ("Brisk Hollow", "Ostrany"),
    ("Sarnova", "Dalvia"),
    ("Edrahan", "Tarsica"),
    ("Quillon", "Morvania"),
]
_PEOPLE = [
    ("Anika Bregovic", "the regional governor"),
    ("Tomas Ferrante", "a police spokesman"),
    ("Leyla Orhanova", "the health minister"),
    ("Jonah Whitcombe", "a local council member"),
    ("Marisol Quentero", "the district mayor"),
    ("Idris Kallenberg", "an army spokesman"),
]
_EVENTS = [
    (
        "Explosions/Remote violence",
        "a car bomb exploded near the central market",
        "A car bomb exploded near a market.",
    ),
    (
        "Battles",
        "government troops clashed with fighters of the Northern Front",
        "Government troops clashed with an armed group.",
    ),
    (
        "Violence against civilians",
        "gunmen opened fire on a bus carrying farm workers",
        "Gunmen attacked a bus carrying civilians.",
    ),
    (
        "Riots",
        "crowds set fire to shops after a disputed football match",
        "Rioters burned shops after a football match.",
    ),
]
_NUMBERS = [(3, "three"), (5, "five"), (7, "seven"), (9, "nine"), (12, "12"), (14, "14"), (21, "21")]
_QUOTES = [
    "We heard a loud noise and then everyone was running",
    "This is a cowardly act and those responsible will face justice",
    "The hospital is doing everything it can for the wounded",
    "We ask everyone to stay calm and stay away from the area",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Invented:
    id: str
    text: str
    draft: dict[str, Any]


def _article(i: int, rng: random.Random) -> Invented:
    place, country = rng.choice(_PLACES)
    person, role = rng.choice(_PEOPLE)
    event_type, happened, description = rng.choice(_EVENTS)
    (killed, killed_w), (hurt, hurt_w) = rng.sample(_NUMBERS, 2)
    quote, day, ref = rng.choice(_QUOTES), rng.choice(_DAYS), f"B{i:03d}"
    lead = (
        f"At least {killed_w} people were killed and {hurt_w} injured on {day} when {happened} "
        f"in {place}, officials said."
    )
    text = (
        f"{lead}\n\n"
        f"{place.upper()}, {country} (Benchwire, ref {ref}) - Emergency crews worked through the night and "
        f"roads into the town were closed, residents said.\n\n"
        f'"{quote}," said {person}, {role}, speaking to reporters near the scene.\n\n'
        f"The authorities in {country} said an investigation had begun and that more details would be "
        f"released later. Hospitals in {place} asked people to donate blood.\n"
    )
    draft = {
        "headline": lead,
        "summary": lead,
        "event_type": event_type,
        "description": description,
        "locations": [{"name": place, "country": country}],
        "time_text": f"on {day}",
        "casualties": [
            {
                "category": "killed",
                "count": killed,
                "qualifier": "at least",
                "as_written": f"At least {killed_w}",
                "victims": "people",
                "reported_by": "officials",
            },
            {"category": "injured", "count": hurt, "as_written": hurt_w, "reported_by": "officials"},
        ],
        "actors": [{"name": person, "kind": "person", "role": role.split(" ", 1)[1]}],
        "quotes": [{"text": quote, "speaker": person}],
    }
    return Invented(f"bench-{ref}", text, draft)


def invented_articles(n: int, seed: int = 0) -> list[Invented]:
    """``n`` short invented reports (about 600 characters each), the same for the same seed."""
    rng = random.Random(seed)
    return [_article(i, rng) for i in range(n)]
