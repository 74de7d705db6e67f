"""2. Prompt and completion tokens per brief on the eval cases, per engine, and what would shrink them.

Tokens are counted with one real tokenizer for every engine: llama.cpp's, of the bundled SmolLM2 model
(``Llama(vocab_only=True)``), over the chat-template rendering of the exact messages sent.

* local (``--model local``, "choices" mode): the calls into llama.cpp are recorded; llama.cpp's own usage
  is reported, and the recount must match it (a check of the counting).
* openai (full mode) against the test server: the server answers with the extractor's draft of the article
  (what a capable model writes, roughly); the request bodies it received (with the JSON Schema instructor
  appends to the system message) are recounted, the completion is the answer's JSON.

What-if rows recount the same requests with the changes proposed in ``docs/benchmarks.md``: the schema
as compact JSON, a minimal schema (no titles, nullable unions collapsed), and a lean response model that
asks only what the rules cannot extract (the rest is merged from the extractor's draft by ``assemble``).

    .venv/bin/python -m benchmarks.bench_tokens [--quick]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from benchmarks.common import Doc, emit, eval_docs, loadavg, maxrss_mb

# Fields the rules extract with evidence, shown to the model as candidates and merged back from the
# extractor's draft by ``assemble(..., fallback=...)``: a lean response model leaves them out.
RULE_FIELDS = ("locations", "casualties", "actors", "quotes")


class Tokenizer:
    """llama.cpp's tokenizer of the bundled model and its chat template (no weights loaded)."""

    def __init__(self) -> None:
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from summariser.settings import bundled_model_path

        self.llm = Llama(model_path=str(bundled_model_path()), vocab_only=True, verbose=False)
        meta = self.llm.metadata
        self.formatter = Jinja2ChatFormatter(
            template=str(meta["tokenizer.chat_template"]),
            eos_token=self.llm._model.token_get_text(self.llm.token_eos()),
            bos_token=self.llm._model.token_get_text(self.llm.token_bos()),
        )

    def count(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def chat(self, messages: Sequence[dict[str, Any]]) -> int:
        """Prompt tokens of ``messages`` as the chat template renders them (with the assistant cue)."""
        formatter: Any = self.formatter
        prompt = formatter(messages=[dict(m) for m in messages]).prompt
        return len(self.llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))


# -- schema shrinking (proposals, measured here) ------------------------------------------------------------
def minimal_schema(schema: Any) -> Any:
    """``schema`` without titles and ``"default": null``, ``anyOf [X, null]`` collapsed to X (still optional:
    the field is not in ``required``)."""
    if isinstance(schema, list):
        return [minimal_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and value is None:
            continue
        out[key] = (
            minimal_schema(value) if key != "properties" else {k: minimal_schema(v) for k, v in value.items()}
        )
    any_of = out.get("anyOf")
    if isinstance(any_of, list) and len(any_of) == 2 and {"type": "null"} in any_of:
        kept = next(s for s in any_of if s != {"type": "null"})
        out.pop("anyOf")
        out.update(kept)
    return out


def lean_schema() -> dict[str, Any]:
    """The Draft schema less the fields the rules extract (``RULE_FIELDS``)."""
    from summariser.schema.draft import Draft

    schema = Draft.model_json_schema()
    for name in RULE_FIELDS:
        schema["properties"].pop(name, None)
    used = json.dumps(schema["properties"])
    schema["$defs"] = {k: v for k, v in schema.get("$defs", {}).items() if f'"#/$defs/{k}"' in used}
    return minimal_schema(schema)


def rewrite_schema(
    messages: Sequence[dict[str, Any]], sent: dict[str, Any], new: Any
) -> list[dict[str, Any]]:
    """``messages`` with the schema written into them (indented as instructor writes it, or compact, or
    compact and minimal as the proposed backend change writes it) replaced by ``new`` as compact JSON."""
    forms = [
        json.dumps(sent, indent=2, ensure_ascii=False),
        json.dumps(sent, ensure_ascii=False, separators=(",", ":")),
        json.dumps(minimal_schema(sent), ensure_ascii=False, separators=(",", ":")),
    ]
    short = json.dumps(new, ensure_ascii=False, separators=(",", ":"))
    out = []
    for m in messages:
        content = str(m.get("content") or "")
        found = next((f for f in forms if f in content), None)
        out.append({**m, "content": content.replace(found, short) if found else content})
    return out


# -- engines ------------------------------------------------------------------------------------------------
def local_rows(docs: Sequence[Doc], tok: Tokenizer) -> list[dict[str, Any]]:
    from benchmarks.bench_overhead import Recorder
    from summariser.load import article_from_text
    from summariser.pipeline import Summariser

    engine = Summariser(model="local", use_cache=False, use_log=False)
    llm: Any = engine.backend._model()  # type: ignore[union-attr]
    recorder = Recorder(llm.create_chat_completion)
    llm.create_chat_completion = recorder
    rows = []
    for doc in docs:
        first = len(recorder.calls)
        brief = engine.brief(article_from_text(doc.text, name=doc.id, published=doc.published))
        calls = recorder.calls[first:]
        kinds: dict[str, int] = {}
        for c in calls:
            title = c.kwargs.get("response_format", {}).get("schema", {}).get("title", "?")
            kinds[title] = kinds.get(title, 0) + 1
        rows.append(
            {
                "id": doc.id,
                "calls": brief.meta.llm_calls,
                "prompt_tokens": brief.meta.usage.prompt_tokens,
                "completion_tokens": brief.meta.usage.completion_tokens,
                "recount_prompt_tokens": sum(tok.chat(c.kwargs["messages"]) for c in calls),
                "what_if_bare_choice_completion_tokens": sum(
                    _bare_choice_tokens(tok, c.content) for c in calls
                ),
                "questions": kinds,
            }
        )
    engine.close()
    return rows


def _bare_choice_tokens(tok: Tokenizer, content: str) -> int:
    """Completion tokens if the grammar allowed only the option itself (its tokens + end of text)."""
    try:
        values = list(json.loads(content).values())
    except (ValueError, AttributeError):
        return 0
    return tok.count(str(values[0])) + 1 if len(values) == 1 else 0


def openai_rows(docs: Sequence[Doc], tok: Tokenizer) -> list[dict[str, Any]]:
    from summariser.extract import extract
    from summariser.load import article_from_text
    from summariser.pipeline import Summariser
    from summariser.schema.draft import Draft
    from summariser.settings import Settings
    from summariser.testing.openai_server import OpenAIServer, Step

    current: dict[str, Any] = {}
    sent_schema = Draft.model_json_schema()
    small, lean = minimal_schema(sent_schema), lean_schema()
    rows = []
    with OpenAIServer(responder=lambda _req: Step.answer(current["draft"])) as server:
        settings = Settings(
            model="openai:bench-model",
            base_url=server.base_url,
            api_key="bench",
            use_cache=False,
            use_log=False,
        )
        engine = Summariser(settings)
        for doc in docs:
            draft = extract(doc.text, published=doc.published).model_dump(mode="json", exclude_none=True)
            current["draft"] = draft
            first = len(server.chat_requests)
            brief = engine.brief(article_from_text(doc.text, name=doc.id, published=doc.published))
            requests = [r.body for r in server.chat_requests[first:]]
            messages = [list(b["messages"]) for b in requests]
            answer = json.dumps(draft, ensure_ascii=False)
            lean_answer = json.dumps(
                {k: v for k, v in draft.items() if k not in RULE_FIELDS}, ensure_ascii=False
            )
            system = sum(tok.count(str(m["content"])) for ms in messages for m in ms if m["role"] == "system")
            rows.append(
                {
                    "id": doc.id,
                    "calls": brief.meta.llm_calls,
                    "prompt_tokens": sum(tok.chat(ms) for ms in messages),
                    "completion_tokens": tok.count(answer) * len(messages),
                    "system_message_tokens": system,
                    "article_tokens": tok.count(doc.text),
                    "server_fake_usage_prompt_tokens": brief.meta.usage.prompt_tokens,
                    "what_if": {
                        "compact schema JSON": sum(
                            tok.chat(rewrite_schema(ms, sent_schema, sent_schema)) for ms in messages
                        ),
                        "minimal schema": sum(
                            tok.chat(rewrite_schema(ms, sent_schema, small)) for ms in messages
                        ),
                        "lean response model": sum(
                            tok.chat(rewrite_schema(ms, sent_schema, lean)) for ms in messages
                        ),
                        "lean completion": tok.count(lean_answer) * len(messages),
                    },
                }
            )
        engine.close()
    return rows


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows) or 1
    keys = [
        k
        for k in ("calls", "prompt_tokens", "completion_tokens", "what_if_bare_choice_completion_tokens")
        if rows and k in rows[0]
    ]
    out: dict[str, Any] = {f"mean_{k}": round(sum(r[k] for r in rows) / n, 1) for k in keys}
    if rows and "what_if" in rows[0]:
        out["mean_what_if"] = {
            k: round(sum(r["what_if"][k] for r in rows) / n, 1) for k in rows[0]["what_if"]
        }
    return out


def measure(docs: Sequence[Doc], engines: Sequence[str] = ("local", "openai")) -> dict[str, Any]:
    tok = Tokenizer()
    result: dict[str, Any] = {
        "goal": "report (and shrink) tokens per brief",
        "met": None,
        "unit": "tokens/brief",
        "cases": len(docs),
    }
    if "local" in engines:
        rows = local_rows(docs, tok)
        result["local"] = {
            "rows": rows,
            **totals(rows),
            "recount_matches_llama": all(r["recount_prompt_tokens"] == r["prompt_tokens"] for r in rows),
        }
    if "openai" in engines:
        rows = openai_rows(docs, tok)
        result["openai_full"] = {"rows": rows, **totals(rows)}
    local = result.get("local", {}).get("mean_prompt_tokens")
    full = result.get("openai_full", {}).get("mean_prompt_tokens")
    result["measured"] = {"local": local, "openai_full": full}
    result.update(loadavg_end=loadavg(), maxrss_mb=maxrss_mb())
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 cases")
    args = parser.parse_args(argv)
    emit(measure(eval_docs(limit=4 if args.quick else None)))


if __name__ == "__main__":
    main()
