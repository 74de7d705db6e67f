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


# -- issue 14 ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1",
        "http://localhost:11434/v1",
        "http://10.1.2.3:8000/v1",
        "http://192.168.0.7/v1",
        "http://[::1]:8080/v1",
        "http://ollama:11434/v1",
        "http://gpu-box.local:8000/v1",
    ],
)
def test_local_and_private_endpoints_need_no_key(url: str) -> None:
    assert Settings.from_env({"OPENAI_BASE_URL": url}).require_api_key() == "not-needed"


@pytest.mark.parametrize(
    "url", ["https://api.together.xyz/v1", "https://openrouter.ai/api/v1", "http://93.184.216.34/v1"]
)
def test_a_remote_endpoint_without_a_key_asks_for_it(url: str) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        Settings.from_env({"OPENAI_BASE_URL": url}, model="openai:m").require_api_key()


@pytest.mark.parametrize(
    "url",
    [
        "localhost:8080/v1",
        "http//localhost:8080",
        "http://",
        "ftp://example.com/v1",
        "http://a b/v1",
        "http://h:99999/v1",
    ],
)
def test_a_malformed_base_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigError, match="base URL"):
        Settings.from_env({"OPENAI_BASE_URL": url})
    with pytest.raises(ConfigError, match="base URL"):
        Settings(base_url=url)


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"SUMMARISER_N_CTX": "0"}, "SUMMARISER_N_CTX"),
        ({"SUMMARISER_N_CTX": "-5"}, "SUMMARISER_N_CTX"),
        ({"SUMMARISER_N_THREADS": "0"}, "SUMMARISER_N_THREADS"),
        ({"SUMMARISER_MAX_RETRIES": "-1"}, "SUMMARISER_MAX_RETRIES"),
    ],
)
def test_numbers_out_of_range_are_refused(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings.from_env(env)
