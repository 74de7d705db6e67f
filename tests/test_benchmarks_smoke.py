"""The benchmark script's pieces run on tiny inputs (no timing is asserted: ``make bench`` measures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_batch, bench_overhead, bench_scoring, bench_stages, bench_tokens, common, run
from benchmarks.invented import REF, invented_articles


def test_summary_and_stages() -> None:
    assert common.summary([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}
    assert common.summary([])["median"] is None

    class Owner:
        @staticmethod
        def work(x: int) -> int:
            return x * 2

    stages = common.Stages()
    with stages.patch(Owner, "work", "work"):
        assert Owner.work(2) == 4
        assert Owner.work(3) == 6
    with stages.time("other"):
        pass
    assert stages.calls == {"work": 2, "other": 1}
    assert Owner.work(1) == 2  # restored
    assert set(stages.rounded()) == {"work", "other"}


def test_machine_info_names_the_machine() -> None:
    info = common.machine_info()
    assert info["cores"] >= 1 and info["python"] and info["cpu_model"]
    assert info["packages"]["summariser"] is not None


def test_child_result_round_trip() -> None:
    child = common.run_child(["-c", "from benchmarks.common import emit; emit({'x': 1, 'maxrss_mb': 12.5})"])
    assert child.result == {"x": 1, "maxrss_mb": 12.5}
    assert child.maxrss_mb == 12.5
    with pytest.raises(RuntimeError, match="printed no result"):
        common.run_child(["-c", "print('nothing tagged')"])


def test_inputs_are_found(shared_dir: Path) -> None:
    docs = common.eval_docs(limit=2)
    assert len(docs) == 2 and all(d.text for d in docs)
    polnear = common.polnear_docs(limit=1)
    assert len(polnear) == 1 and polnear[0].text


def test_invented_articles_ground_and_are_stable() -> None:
    from summariser.grounding.assemble import assemble
    from summariser.schema.brief import Origin
    from summariser.schema.draft import Draft

    first, again = invented_articles(3), invented_articles(3)
    assert [a.text for a in first] == [a.text for a in again]
    assert len({a.id for a in first}) == 3
    for a in first:
        assert REF.search(a.text) is not None
        result = assemble(Draft.model_validate(a.draft), a.text, origin=Origin.LLM)
        assert result.problems.ungrounded == []
        assert len(result.quotes) == 1 and len(result.casualties) == 2


def test_batch_pieces(tmp_path: Path) -> None:
    articles = invented_articles(2)
    respond = bench_batch.responder_for(articles)
    step = respond({"messages": [{"role": "user", "content": articles[1].text}]})
    assert step.content == articles[1].draft
    assert respond({"messages": [{"role": "user", "content": "no reference"}]}).status == 400
    assert bench_batch.peak_concurrency([0.0, 0.1, 0.2, 1.0], 0.5) == 3
    inputs = bench_batch.write_inputs(articles, tmp_path)
    assert [json.loads(line)["id"] for line in inputs.read_text().splitlines()] == [a.id for a in articles]


def test_schema_shrinking() -> None:
    schema = {
        "title": "T",
        "type": "object",
        "properties": {
            "title": {"title": "Title", "type": "string"},
            "x": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None, "title": "X"},
        },
    }
    small = bench_tokens.minimal_schema(schema)
    assert small == {"type": "object", "properties": {"title": {"type": "string"}, "x": {"type": "integer"}}}
    lean = bench_tokens.lean_schema()
    assert not set(bench_tokens.RULE_FIELDS) & set(lean["properties"])
    assert {"headline", "summary", "event_type"} <= set(lean["properties"])
    sent = {"a": [1, 2]}
    messages = [{"role": "system", "content": "schema: " + json.dumps(sent, indent=2)}]
    assert bench_tokens.rewrite_schema(messages, sent, {"b": 1})[0]["content"] == 'schema: {"b":1}'


def test_tokenizer_counts_chat_messages() -> None:
    tok = bench_tokens.Tokenizer()
    n = tok.count("Police fired tear gas.")
    assert n > 0
    assert tok.chat([{"role": "user", "content": "Police fired tear gas."}]) > n


def test_overhead_replay_records_calls() -> None:
    def fake_create(**kwargs: Any) -> dict[str, Any]:
        return {"usage": {"prompt_tokens": 7, "completion_tokens": len(kwargs["messages"])}}

    recorder = bench_overhead.Recorder(fake_create)
    recorder(messages=[{"role": "user", "content": "a"}], max_tokens=4)
    assert recorder.calls[0].completion_tokens == 1 and recorder.calls[0].prompt_tokens == 7
    times: list[float] = []
    _, tokens = bench_overhead.replay(fake_create, recorder.calls, times)
    assert tokens == [1] and len(times) == 1


def test_stages_pass_on_one_article() -> None:
    stages = bench_stages.one_pass(common.eval_docs(limit=1))
    assert {"extract", "ground+assemble", "render", "total"} <= set(stages.seconds)


def test_scoring_run_file_is_replicated(tmp_path: Path) -> None:
    from summariser.evals.runfile import load_run

    run_path, cases = bench_scoring.build(tmp_path, 3)
    run = load_run(run_path)
    assert len(run.cases) == 3 and len({c.id for c in run.cases}) == 3
    assert all((cases / c.id / "golden.yaml").is_file() for c in run.cases)
    assert set(bench_scoring.stages(run_path, cases)) == {
        "read run file",
        "load cases (golden.yaml + article)",
        "score briefs",
        "aggregate (bootstrap CIs)",
    }


def test_run_script_names_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run._names([]) == list(run.BENCHES)
    assert run._names(["stages,batch"]) == ["stages", "batch"]
    with pytest.raises(SystemExit, match="unknown benchmark"):
        run._names(["nope"])
    assert run.main(["--list"]) == 0
    assert "overhead" in capsys.readouterr().out


@pytest.mark.slow
def test_serve_bench_runs_small() -> None:
    from benchmarks import bench_serve

    result = bench_serve.measure(requests=6, clients=2, burst=5)
    load = result["load"]
    assert (load["answered"], load["ok"], load["lost"], load["server_counted_200"]) == (6, 6, 0, 6)
    assert load["latency_ms"]["p50"] is not None and load["throughput_per_s"] > 0
    over = result["overload"]
    assert over["statuses"] == over["expected"] == {"200": 4, "429": 1}
    assert over["timeouts"] == 0 and over["retry_after_s"]
