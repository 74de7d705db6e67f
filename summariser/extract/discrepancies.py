"""Discrepancies: figures for one category that disagree ("12 dead, police said" vs "15, medics said")."""

from __future__ import annotations

from dataclasses import dataclass

from ..schema.brief import CasualtyCategory, Qualifier
from .casualties import Figure

__all__ = ["Discrepancy", "find_discrepancies"]


@dataclass
class Discrepancy:
    field: str
    description: str
    figures: list[Figure]


def _key(f: Figure) -> tuple[int | None, int | None, int | None, Qualifier]:
    n = f.number
    return n.count, n.count_min, n.count_max, n.qualifier


_GENERIC_VICTIMS = {None, "people", "persons", "civilians", "others", "residents"}


def _vague(f: Figure) -> bool:
    """'dozens', 'hundreds': too loose to disagree with a count."""
    n = f.number
    return n.count is None and not any(ch.isdigit() for ch in n.as_written) and n.qualifier is Qualifier.ABOUT


def _comparable(a: Figure, b: Figure) -> bool:
    """Two figures can disagree when they count the same victims in different sentences."""
    if a.sentence == b.sentence:
        return False  # '3 soldiers and 5 civilians were killed': parts, not rival counts
    va, vb = (v.lower() if v else None for v in (a.victims, b.victims))
    return va == vb or (va in _GENERIC_VICTIMS and vb in _GENERIC_VICTIMS)


def find_discrepancies(figures: list[Figure]) -> list[Discrepancy]:
    """Figures for one category that disagree (event figures only, not cumulative war tolls)."""
    out: list[Discrepancy] = []
    for cat in CasualtyCategory:
        group = [f for f in figures if f.category is cat and not (f.cumulative or f.subset or _vague(f))]
        if not group:
            continue
        clusters = [[f for f in group if f is ref or _comparable(ref, f)] for ref in group]
        group = max(clusters, key=lambda c: (len({_key(f) for f in c}), -group.index(c[0])))
        distinct: dict[tuple[int | None, int | None, int | None, Qualifier], Figure] = {}
        for f in group:
            distinct.setdefault(_key(f), f)
        if len(distinct) < 2:
            continue
        values = list(distinct.values())
        parts = [f"{f.number.as_written}" + (f" ({f.reported_by})" if f.reported_by else "") for f in values]
        noun = {"killed": "death tolls", "injured": "injury figures"}.get(cat.value, f"{cat.value} figures")
        out.append(
            Discrepancy(
                f"casualties.{cat.value}",
                f"Reports give different {noun}: " + " vs ".join(parts) + ".",
                values,
            )
        )
    return out
