"""The llama.cpp backend on the bundled SmolLM2-135M GGUF (real model; a handful of short calls)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, model_validator

from summariser.backends.llama import LlamaBackend
from summariser.errors import GenerationError, ModelError
from summariser.generate.decide import decide
from summariser.schema.draft import Draft, DraftQuote
from summariser.schema.taxonomy import EventType
from summariser.settings import Settings, bundled_model_path

pytestmark = pytest.mark.slow

MESSAGES = [
    {"role": "system", "content": "Answer in JSON."},
    {
        "role": "user",
        "content": 'Ada Brook said: "The bridge reopens today." Who said it? Ada Brook or Ben Cole?',
    },
]


class Pick(BaseModel):
    speaker: Literal["Ada Brook", "Ben Cole", "unknown"]


@pytest.fixture(scope="module")
def backend() -> Iterator[LlamaBackend]:
    b = LlamaBackend(Settings(model="local"))
    yield b
    b.close()


def test_bundled_model_is_a_choices_backend(backend: LlamaBackend) -> None:
    assert backend.engine == "local" and backend.mode == "choices" and backend.bundled
    assert backend.model_path == bundled_model_path().resolve()
    assert backend.context_window == Settings().n_ctx


def test_literal_choice_validates_and_reports_real_usage(backend: LlamaBackend) -> None:
    c = backend.complete(MESSAGES, Pick, max_tokens=32)
    assert isinstance(c.value, Pick) and c.value.speaker in ("Ada Brook", "Ben Cole", "unknown")
    assert c.prompt_tokens > 20 and c.completion_tokens > 0
    assert (c.calls, c.retries, c.finish_reason) == (1, 0, "stop")


def test_model_is_loaded_once_across_calls(backend: LlamaBackend) -> None:
    backend.complete(MESSAGES, Pick, max_tokens=32)
    first = backend._llm
    backend.complete(MESSAGES, Pick, max_tokens=32)
    assert backend.count_tokens("Ada Brook") > 0
    assert backend._llm is first and backend.loads == 1


def test_load_loads_the_weights_once_also_through_a_wrapper(backend: LlamaBackend) -> None:
    from summariser.backends.wrap import Wrapper

    backend.load()
    first = backend._llm
    Wrapper(backend).load()
    assert first is not None and backend._llm is first and backend.loads == 1


def test_count_tokens_uses_the_real_tokenizer(backend: LlamaBackend) -> None:
    text = "Maaret al-Numan, Idlib province"
    llm = backend._llm or backend._model()
    assert backend.count_tokens(text) == len(llm.tokenize(text.encode(), add_bos=False))
    assert backend.count_tokens(text * 4) > backend.count_tokens(text)


def test_truncated_answer_is_an_error_not_a_reask(backend: LlamaBackend) -> None:
    with pytest.raises(GenerationError, match="cut off"):
        backend.complete(MESSAGES, Pick, max_tokens=3, max_reasks=2)


def test_validation_failure_is_reasked_then_given_up(backend: LlamaBackend) -> None:
    seen: list[str] = []

    class FirstRefused(Pick):
        @model_validator(mode="after")
        def _refuse_first(self) -> FirstRefused:
            seen.append(self.speaker)
            if len(seen) == 1:
                raise ValueError("pick again")
            return self

    c = backend.complete(MESSAGES, FirstRefused, max_tokens=32, max_reasks=1)
    assert (c.calls, c.retries) == (2, 1) and c.prompt_tokens > 40

    class AlwaysRefused(Pick):
        @model_validator(mode="after")
        def _refuse(self) -> AlwaysRefused:
            raise ValueError("never right")

    with pytest.raises(GenerationError, match="no valid AlwaysRefused after 1 tries"):
        backend.complete(MESSAGES, AlwaysRefused, max_tokens=32, max_reasks=0)


def test_async_complete(backend: LlamaBackend) -> None:
    c = asyncio.run(backend.acomplete(MESSAGES, Pick, max_tokens=32))
    assert isinstance(c.value, Pick) and c.prompt_tokens > 0


def test_decide_on_the_sample_article(backend: LlamaBackend, sample_text: str) -> None:
    start = sample_text.index('"') + 1
    end = sample_text.index('"', start)
    q = DraftQuote(text=sample_text[start:end])
    q.with_spans((start, end))
    q.set_speaker(None, decided=False)
    q.set_candidates(["Salem al-Meslet", "Anas al-Maarawi"])
    draft = Draft(headline="h", summary="s", event_type=EventType.EXPLOSIONS, description="d", quotes=[q])
    result = decide(draft, sample_text, backend)
    assert result.usage.calls == 1 and result.usage.prompt_tokens > 50
    assert result.draft.quotes[0].speaker in ("Salem al-Meslet", "Anas al-Maarawi")
    assert len(result.prompts) == 1 and "<article>" in result.prompts[0][-1]["content"]


def test_missing_file_names_the_path_and_the_setting(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(ModelError) as err:
        LlamaBackend(Settings(model=f"local:{missing}"))
    assert (
        str(missing) in str(err.value)
        and "--model" in str(err.value)
        and "SUMMARISER_MODEL" in str(err.value)
    )


def test_non_gguf_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 this is a zip, not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        LlamaBackend(model_path=fake)
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    b = LlamaBackend(model_path=broken)  # header looks right: the load itself fails, as a ModelError
    with pytest.raises(ModelError, match="could not load"):
        b.count_tokens("x")


def test_loading_is_quiet_and_close_frees_the_model(capfd: pytest.CaptureFixture[str]) -> None:
    b = LlamaBackend(Settings(model="local"))
    b.count_tokens("warm")
    assert b._llm is not None
    b.close()
    assert b._llm is None
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_mode_full_needs_a_big_model_and_context() -> None:
    small_long = LlamaBackend(Settings(n_ctx=32768), model_path=bundled_model_path())
    assert small_long.mode == "choices" and small_long.context_window == 32768 and not small_long.bundled
    assert LlamaBackend(model_path=bundled_model_path(), mode="full").mode == "full"
    assert small_long._llm is None  # nothing loaded until the first call


def test_bundled_model_votes_but_is_not_trusted_to_override_the_rules() -> None:
    from summariser.backends.llama import LlamaBackend
    from summariser.settings import Settings

    backend = LlamaBackend(Settings(model="local"))
    assert backend.bundled and backend.mode == "choices" and backend.trusted is False
    assert backend.loads == 0  # constructing does not load the weights
