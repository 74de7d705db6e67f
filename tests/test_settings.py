from __future__ import annotations

import pytest

from summariser.errors import ConfigError, ModelError
from summariser.settings import Settings, bundled_model_path, parse_model


def test_defaults_are_offline() -> None:
    s = Settings.from_env({})
    assert s.model_spec.engine == "local"
    assert s.api_key is None


def test_env_and_overrides() -> None:
    env = {
        "SUMMARISER_MODEL": "openai:gpt-4o-mini",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "SUMMARISER_TIMEOUT": "5",
    }
    s = Settings.from_env(env)
    assert (s.model_spec.engine, s.model_spec.name, s.timeout) == ("openai", "gpt-4o-mini", 5.0)
    assert Settings.from_env(env, model="extractive").model_spec.engine == "extractive"


@pytest.mark.parametrize("value", ["gpt4", "openai", "openai:", "", "llama:x"])
def test_unknown_models_name_the_fix(value: str) -> None:
    with pytest.raises(ModelError) as err:
        parse_model(value)
    assert "openai:" in str(err.value) or "model" in str(err.value)


def test_model_forms() -> None:
    assert parse_model("extractive").engine == "extractive"
    assert parse_model("local:/m/x.gguf").name == "/m/x.gguf"
    assert parse_model("/m/x.gguf").engine == "local"


def test_bad_numbers_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="SUMMARISER_TIMEOUT"):
        Settings.from_env({"SUMMARISER_TIMEOUT": "soon"})


def test_missing_key_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        Settings.from_env({}, model="openai:gpt-4o-mini").require_api_key()
    local = Settings.from_env({"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"})
    assert local.require_api_key() == "not-needed"


def test_api_key_not_in_repr() -> None:
    assert "sk-secret" not in repr(Settings(api_key="sk-secret"))


def test_bundled_model_is_installed() -> None:
    path = bundled_model_path()
    assert path.is_file() and path.suffix == ".gguf"
