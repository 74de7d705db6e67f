"""Quote-heavy articles (issue 14): the work of the rules grows in proportion to the article, not with its
square. Counted in Python function calls of the package (deterministic), never timed."""

from __future__ import annotations

import cProfile
import pstats
import random

import pytest

from summariser.extract import _draft
from summariser.extract.nlp import Analysis, analyse


def pairs(n: int) -> str:
    return (
        "\n".join(f'"Item {i} is ready now," said Mara Oduya. "More soon," she added.' for i in range(n))
        + "\n"
    )


def marks(n: int) -> str:
    return "Officials said a market was hit on Monday. " + " ".join(f'w{i} "' for i in range(n)) + "\n"


def calls_in_package(an: Analysis) -> int:
    profile = cProfile.Profile()
    profile.runcall(_draft, an)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(ncalls for (path, _, _), (_, ncalls, *_rest) in stats.items() if "/summariser/" in path)


@pytest.mark.parametrize("make", [pairs, marks])
def test_rules_do_linear_work_on_quote_heavy_text(make) -> None:
    small, large = (calls_in_package(analyse(make(n))) for n in (150, 600))
    # four times the quotes: about four times the calls (quadratic work made this 10-20 times)
    assert large / small < 6, (small, large)


def test_quote_index_answers_as_a_scan_would() -> None:
    rng = random.Random(4)
    text = "x" * 2000
    for disjoint in (True, False):
        spans, pos = [], 0
        while pos < 1900:
            s = pos + rng.randint(0, 30)
            e = s + rng.randint(1, 60)
            spans.append((s, e))
            pos = e if disjoint else s + 1
        an = analyse("A short text.")
        an.text, an.quoted = text, spans
        for _ in range(500):
            s = rng.randint(0, 1990)
            e = s + rng.randint(1, 80)
            assert an.in_quote(s, e) == any(qs <= s and e <= qe for qs, qe in spans)
            assert an.in_quote(s) == any(qs <= s < qe for qs, qe in spans)
            assert an.overlaps_quote(s, e) == any(qs < e and s < qe for qs, qe in spans)
            want = sum(min(e, qe) - max(s, qs) for qs, qe in spans if qs < e and s < qe)
            assert an.quoted_chars(s, e) == want
            assert sorted(an.quote_ends_in(s, e)) == sorted(qe for _, qe in spans if s <= qe <= e)
