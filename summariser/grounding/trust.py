"""Trust is earned per field: a profile, measured by ``summariser calibrate``, says for each eval field
whether a model's brief is better, equal or worse than the rules' (paired bootstrap over the golden
cases), keyed by endpoint + model. The merge (``grounding.merge``) asks it:

* ``adopt(field)``: a categorical choice (event type and sub-type, perpetrator certainty) replaces the
  rules' only when the model is measured *better* on that field; otherwise the model votes: the rules'
  value stands and a disagreement is flagged in ``meta.warnings``;
* ``keep(field)``: the model's grounded items (and grounded free text) are kept unless it is measured
  *worse* on that field; then the rules' alone are used.

With no profile (``Trust()``), the conservative default: votes on categorical fields, grounded items and
grounded free text kept. ``Trust.adopt_all()`` is what ``calibrate`` measures the model with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ..errors import ConfigError

__all__ = [
    "FieldTrust",
    "Trust",
    "TrustProfile",
    "endpoint_key",
    "load_trust",
    "new_profile",
    "profile_path",
    "verdicts_from",
]

Verdict = Literal["better", "equal", "worse"]
PROFILE_FORMAT = "summariser-trust/1"


@dataclass(frozen=True)
class Trust:
    profile_id: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)  # eval field -> verdict

    def verdict(self, name: str) -> str | None:
        return self.fields.get(name, self.fields.get("*"))

    def adopt(self, name: str) -> bool:
        return self.verdict(name) == "better"

    def keep(self, name: str) -> bool:
        return self.verdict(name) != "worse"

    def adopt_choices(self) -> bool:
        """For the local engine's choices (speakers, event type, certainty): adopt the model's answers only
        when a profile measured it better on one of those fields and worse on none; else they are votes."""
        names = ("quotes", "event_type", "perpetrators")
        return all(self.keep(n) for n in names) and any(self.adopt(n) for n in names)

    @classmethod
    def adopt_all(cls) -> Trust:
        return cls("adopt-all", {"*": "better"})


class FieldTrust(BaseModel):
    verdict: Verdict
    metric: str | None = Field(default=None, description="The metric key that decided the verdict.")
    diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0


class TrustProfile(BaseModel):
    format: str = PROFILE_FORMAT
    id: str
    endpoint: str
    model: str
    created: str
    cases: int
    base_run: str | None = None
    model_run: str | None = None
    fields: dict[str, FieldTrust]

    def trust(self) -> Trust:
        return Trust(self.id, {k: v.verdict for k, v in self.fields.items()})


def endpoint_key(engine: str, endpoint: str | None, model: str) -> str:
    return f"{engine}|{(endpoint or '').rstrip('/')}|{model}"


def profile_path(trust_dir: Path, key: str) -> Path:
    model = key.rsplit("|", 1)[-1]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model)[:40].strip("-") or "model"
    return trust_dir / f"{slug}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"


def load_trust(trust_dir: Path, key: str) -> Trust:
    """The profile measured for ``key`` (endpoint + model), or the conservative default."""
    path = profile_path(trust_dir, key)
    if not path.is_file():
        return Trust()
    try:
        profile = TrustProfile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"trust profile {path} is not readable: {str(exc).splitlines()[0]}",
            hint="run summariser calibrate again, or delete the file",
        ) from None
    return profile.trust()


def verdicts_from(comparison: object) -> dict[str, FieldTrust]:
    """Per field, from an ``evals.compare.Comparison`` of rules (base) against model (new): worse when a
    metric of the field regressed beyond the gate or its interval lies on the worse side, better when one
    lies on the better side and none is worse, else equal."""
    out: dict[str, FieldTrust] = {}
    by_field: dict[str, list] = {}
    for d in getattr(comparison, "metrics", []):
        if d.diff is not None and d.field not in ("schema", "grounding"):
            by_field.setdefault(d.field, []).append(d)
    for name, diffs in by_field.items():

        def side(d: object) -> int:
            lo, hi = getattr(d, "ci_low", None), getattr(d, "ci_high", None)
            if lo is None or hi is None:
                return 0
            if getattr(d, "lower_is_better", False):
                lo, hi = -hi, -lo
            return 1 if lo > 0 else -1 if hi < 0 else 0

        worse = [d for d in diffs if d.regressed or side(d) < 0]
        better = [d for d in diffs if side(d) > 0]
        decided = worse[0] if worse else better[0] if better else diffs[0]
        verdict: Verdict = "worse" if worse else "better" if better else "equal"
        out[name] = FieldTrust(
            verdict=verdict,
            metric=decided.key,
            diff=decided.diff,
            ci_low=decided.ci_low,
            ci_high=decided.ci_high,
            n=decided.n,
        )
    return out


def new_profile(
    key: str, fields: dict[str, FieldTrust], *, cases: int, base_run: str | None, model_run: str | None
) -> TrustProfile:
    engine, endpoint, model = key.split("|", 2)
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    digest = hashlib.sha256(
        json.dumps({k: v.verdict for k, v in sorted(fields.items())}).encode()
        + key.encode()
        + created.encode()
    ).hexdigest()[:10]
    return TrustProfile(
        id=f"trust-{digest}",
        endpoint=f"{engine}:{endpoint}" if endpoint else engine,
        model=model,
        created=created,
        cases=cases,
        base_run=base_run,
        model_run=model_run,
        fields=fields,
    )
