"""Failed and retried calls are paid for: counted in the brief's meta, the run log, the batch summary and
eval costs; a failed run is logged ``failed``."""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser.batch.inputs import collect_inputs
from summariser.batch.runner import BatchRunner
from summariser.errors import EndpointError
from summariser.pipeline import Summariser
from summariser.settings import Settings
from summariser.store.runlog import RunLog
from summariser.testing import OpenAIServer, Step

ARTICLE = (
    'Flood water closed the Orlen bridge on Monday, the river authority said. "We will reopen it '
    'when the level drops," said Mara Venn, its director.'
)


def settings(url: str, tmp_path: Path) -> Settings:
    return Settings(
        model="openai:test",
        base_url=url,
        api_key="sk-test-accounting-0000",
        structured_mode="json_object",
        reasks=1,
        max_retries=1,
        local_endpoint=False,
        cache_dir=tmp_path / "cache",
        log_db=tmp_path / "logs.db",
    )


def garbage(_request: object) -> Step:
    return Step.text("this is not JSON at all", finish_reason="stop")


def down(_request: object) -> Step:
    return Step.error(503)


def test_calls_of_an_unusable_draft_are_counted_in_the_brief(tmp_path: Path) -> None:
    with OpenAIServer(responder=garbage) as server:
        s = settings(server.base_url, tmp_path)
        with Summariser(s, command="brief") as summariser:
            brief = summariser.summarise(ARTICLE)  # the rules' brief: the model never gave a usable draft
        requests = len(server.chat_requests)
    m = brief.meta
    assert requests == 2 and (m.llm_calls, m.retries) == (2, 1)  # the answer and its re-ask
    assert m.usage.prompt_tokens > 0 and m.usage.completion_tokens > 0
    (run,) = RunLog.for_settings(s).runs()
    assert run.status == "ok" and run.model_calls == 2 and run.prompt_tokens == m.usage.prompt_tokens


def test_a_failed_brief_is_logged_failed_with_what_it_cost(tmp_path: Path) -> None:
    with OpenAIServer(responder=down) as server:
        s = settings(server.base_url, tmp_path)
        with Summariser(s, command="brief") as summariser, pytest.raises(EndpointError) as info:
            summariser.summarise(ARTICLE)
        requests = len(server.chat_requests)
    spent = info.value.spent  # type: ignore[attr-defined]
    assert requests == 2 and spent["calls"] == 2 and spent["retries"] == 1  # one transport retry
    (run,) = RunLog.for_settings(s).runs()
    assert run.status == "failed" and run.failed == 1 and run.done == 0
    assert run.model_calls == 2 and run.errors == 1


def test_a_batch_counts_the_calls_of_its_failed_items(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with OpenAIServer(responder=down) as server:
        s = settings(server.base_url, tmp_path)
        summary = BatchRunner(s, tmp_path / "out", jobs=1).run(collect_inputs([str(folder)]))
    assert summary.failed == 1 and summary.done == 0
    assert summary.calls == 2  # not "0 model calls"


def test_eval_costs_count_failed_cases(tmp_path: Path) -> None:
    from summariser.evals.runner import run_eval

    cases = Path(__file__).resolve().parents[1] / "evals" / "cases"
    with OpenAIServer(responder=down) as server:
        run = run_eval(cases, settings(server.base_url, tmp_path), limit=1, resamples=0)
    (record,) = run.cases
    assert record.brief is None and record.spent and record.spent["calls"] == 2
    assert run.report.n_valid == 0 and run.report.cost.llm_calls == 2
