"""The golden-file eval harness: cases, metrics, aggregation.

Public API (see each module's docstring):

- ``load_cases(spec) -> list[Case]`` (``golden``): a folder of golden case folders, one case folder,
  ``polnear:PATH`` or ``wikievents:PATH`` (``importers``).
- ``golden_to_brief(case) -> IncidentBrief`` (``golden``): the answer key as a grounded brief.
- ``score_case(case, brief_or_dict) -> CaseScore`` (``score``).
- ``aggregate(scores) -> Report`` (``aggregate``): macro/micro means, bootstrap CIs, cost, confusion tables.
- ``run_eval`` (``runner``), run files (``runfile``), comparisons (``compare``), Markdown and HTML reports.

A library only: the ``summariser eval`` command is ``cli.evals``. May import: ``pipeline``, ``backends``,
``batch.many``, ``grounding.align``, ``schema``, ``output``, ``load``, ``settings``, ``errors``.
Never ``cli``.
"""

from __future__ import annotations

from .aggregate import PRIMARY, MetricSummary, Report, aggregate, confusion
from .golden import golden_to_brief, load_case, load_cases
from .models import FIELDS, Case, Golden
from .score import CaseCost, CaseScore, score_case

__all__ = [
    "FIELDS",
    "PRIMARY",
    "Case",
    "CaseCost",
    "CaseScore",
    "Golden",
    "MetricSummary",
    "Report",
    "aggregate",
    "confusion",
    "golden_to_brief",
    "load_case",
    "load_cases",
    "score_case",
]
