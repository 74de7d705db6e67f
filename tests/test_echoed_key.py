"""A key echoed back by the endpoint is never stored: not in the brief, its warnings, the response cache,
the endpoint memory or the run log (issue 14, item 8)."""

from __future__ import annotations

from pathlib import Path

from summariser.pipeline import Summariser
from summariser.settings import Settings
from summariser.testing import OpenAIServer, Step

KEY = "sk-proj-ECHOED-4f9a2b7c1d"
OTHER = "sk-live-SOMEONE-ELSES-0a1b2c3d"
ARTICLE = (
    'Flood water closed the Orlen bridge on Monday, the river authority said. "We will reopen it '
    'when the level drops," said Mara Venn, its director.'
)


def files_with(secret: str, *places: Path) -> list[Path]:
    return [
        p for place in places for p in place.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()
    ]


def test_an_echoed_key_is_redacted_everywhere_it_could_be_stored(tmp_path: Path) -> None:
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}. json_schema is not supported"}}
    answer = {
        "headline": f"Bridge closed (key {KEY})",
        "summary": f"Flood water closed the Orlen bridge. Authorization: Bearer {OTHER}",
        "event_type": "Strategic developments",
        "description": "Flood water closed the Orlen bridge.",
        "quotes": [{"text": "We will reopen it when the level drops", "speaker": "Mara Venn"}],
    }
    with OpenAIServer([Step.error(400, body=echo)], responder=lambda r: Step.answer(answer)) as server:
        s = Settings(
            model="openai:test",
            base_url=server.base_url,
            api_key=KEY,
            cache_dir=tmp_path / "cache",
            log_db=tmp_path / "logs.db",
        )
        with Summariser(s) as summariser:
            brief = summariser.summarise(ARTICLE)
    assert brief.meta.structured_mode == "json_object"  # json_schema refused (with the key echoed)
    text = brief.model_dump_json()
    assert KEY not in text and OTHER not in text
    assert files_with(KEY, tmp_path) == [] and files_with(OTHER, tmp_path) == []
    assert (tmp_path / "cache" / "endpoints.json").is_file()
