"""``summariser calibrate`` against the scripted server: a profile is measured, written and then used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from summariser.cli.main import cli
from summariser.grounding.trust import TrustProfile, load_trust
from summariser.pipeline import Summariser
from summariser.settings import Settings
from summariser.testing import OpenAIServer, Step

ROOT = Path(__file__).resolve().parents[2]
INVENTED = {
    "headline": "Calm day across the region",
    "summary": "Nothing of note happened.",
    "event_type": "Protests",
    "description": "People gathered peacefully.",
    "quotes": [],
}


def test_calibrate_writes_a_profile_that_briefs_then_use(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-calibrate-0000")
    with OpenAIServer(responder=lambda request: Step.answer(INVENTED)) as server:
        result = CliRunner().invoke(
            cli,
            [
                "calibrate",
                str(ROOT / "evals" / "cases"),
                "--model",
                "openai:test",
                "--base-url",
                server.base_url,
                "--limit",
                "4",
                "--resamples",
                "200",
                "--runs-dir",
                str(tmp_path / "runs"),
            ],
        )
        assert result.exit_code == 0, result.output
        assert "trust profile trust-" in result.output and "event_type" in result.output
        settings = Settings.from_env(model="openai:test", base_url=server.base_url)
        (path,) = settings.resolved_trust_dir.glob("*.json")
        profile = TrustProfile.model_validate_json(path.read_text())
        assert profile.model == "test" and profile.endpoint == f"openai:{server.base_url}"
        assert profile.cases == 4 and {"event_type", "quotes", "casualties"} <= set(profile.fields)
        assert profile.fields["event_type"].verdict in ("worse", "equal")  # the invented type never helps
        assert all(f.verdict in ("better", "equal", "worse") for f in profile.fields.values())
        assert len(list((tmp_path / "runs").glob("*.json"))) == 2
        trust = load_trust(settings.resolved_trust_dir, settings.endpoint_key())
        assert trust.profile_id == profile.id
        text = (ROOT / "evals" / "cases" / "prompt-injection" / "article.txt").read_text()
        with Summariser(settings) as s:
            brief = s.summarise(text)
        assert brief.meta.trust_profile == profile.id
        assert brief.event.type.value != "Protests"  # not adopted: the profile did not find it better
        assert json.loads(brief.model_dump_json())["meta"]["structured_mode"] == "json_schema"
