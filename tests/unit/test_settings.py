"""Settings: `GREENROOM_*` environment variables over `greenroom.yaml` with `${ENV}` in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from greenroom.errors import ConfigurationError
from greenroom.settings import Settings, substitute_env


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No GREENROOM_* variable of the caller's, and no ./greenroom.yaml, leaks into a test."""
    for name in list(os.environ):
        if name.startswith("GREENROOM_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "greenroom.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("GREENROOM_CONFIG_FILE", str(path))
    return path


# --- substitute_env ----------------------------------------------------------------------


def test_a_variable_is_substituted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GR_TEST_HOST", "db.internal")
    assert substitute_env("postgresql://${GR_TEST_HOST}/portal", "f") == (
        "postgresql://db.internal/portal"
    )


def test_several_variables_in_one_string_are_substituted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GR_TEST_USER", "alice")
    monkeypatch.setenv("GR_TEST_PORT", "5432")
    assert substitute_env("${GR_TEST_USER}@h:${GR_TEST_PORT}/${GR_TEST_USER}", "f") == (
        "alice@h:5432/alice"
    )


def test_a_default_is_used_when_the_variable_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GR_TEST_UNSET", raising=False)
    assert substitute_env("${GR_TEST_UNSET:-fallback}", "f") == "fallback"
    assert substitute_env("x${GR_TEST_UNSET:-}y", "f") == "xy"


def test_a_set_variable_wins_over_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GR_TEST_SET", "real")
    assert substitute_env("${GR_TEST_SET:-fallback}", "f") == "real"


def test_a_variable_set_to_the_empty_string_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GR_TEST_EMPTY", "")
    assert substitute_env("[${GR_TEST_EMPTY:-fallback}]", "f") == "[]"


def test_substitution_reaches_nested_dicts_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GR_TEST_ROOT", "/srv/repos")
    monkeypatch.delenv("GR_TEST_BRANCH", raising=False)
    loaded = {
        "catalog": {
            "git_discovery": [{"root": "${GR_TEST_ROOT}", "branch": "${GR_TEST_BRANCH:-main}"}],
            "locations": [["${GR_TEST_ROOT}/a", "plain"]],
        },
        "port": 7007,
        "readonly": True,
        "nothing": None,
    }
    assert substitute_env(loaded, "f") == {
        "catalog": {
            "git_discovery": [{"root": "/srv/repos", "branch": "main"}],
            "locations": [["/srv/repos/a", "plain"]],
        },
        "port": 7007,
        "readonly": True,
        "nothing": None,
    }


def test_text_that_is_not_a_reference_is_left_alone() -> None:
    for text in ["$HOME", "${}", "${1ABC}", "$ {X}", "price: $5", "{GR_TEST_X}"]:
        assert substitute_env(text, "f") == text


def test_a_missing_variable_names_the_variable_and_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GR_TEST_MISSING_SECRET", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        substitute_env({"a": ["ok", {"b": "${GR_TEST_MISSING_SECRET}"}]}, "/etc/greenroom.yaml")
    message = caught.value.message
    assert "GR_TEST_MISSING_SECRET" in message
    assert "/etc/greenroom.yaml" in message


# --- Settings ----------------------------------------------------------------------------


def test_defaults_without_a_file_or_environment(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.env == "development"
    assert settings.port == 7007
    assert settings.catalog.orphan_strategy == "delete"
    assert settings.config_file is None
    assert settings.resolved_base_url == "http://127.0.0.1:7007"


def test_the_file_named_by_greenroom_config_file_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config(
        monkeypatch,
        tmp_path,
        "port: 8080\n"
        "log_level: debug\n"
        "catalog:\n"
        "  orphan_strategy: keep\n"
        "  processing_interval_seconds: 30\n"
        "  locations:\n"
        "    - target: ./catalog-info.yaml\n"
        "plugins:\n"
        "  techdocs:\n"
        "    builder: local\n",
    )
    settings = Settings()
    assert settings.port == 8080
    assert settings.log_level == "DEBUG"
    assert settings.catalog.orphan_strategy == "keep"
    assert settings.catalog.processing_interval_seconds == 30.0
    assert [(loc.type, loc.target) for loc in settings.catalog.locations] == [
        ("file", "./catalog-info.yaml")
    ]
    assert settings.plugins == {"techdocs": {"builder": "local"}}


def test_greenroom_yaml_in_the_working_directory_is_read_by_default(tmp_path: Path) -> None:
    (tmp_path / "greenroom.yaml").write_text("port: 9001\n", encoding="utf-8")
    assert Settings().port == 9001


def test_references_in_the_file_are_substituted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GR_TEST_DB_HOST", "db.internal")
    _config(
        monkeypatch,
        tmp_path,
        "database_url: postgresql+psycopg://${GR_TEST_DB_HOST}/portal\n"
        "base_url: ${GR_TEST_BASE_URL_UNSET:-https://portal.example.com/}\n",
    )
    settings = Settings()
    assert settings.resolved_database_url == "postgresql+psycopg://db.internal/portal"
    assert settings.resolved_base_url == "https://portal.example.com"


def test_a_missing_variable_in_the_file_names_it_and_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GR_TEST_NOT_SET_ANYWHERE", raising=False)
    path = _config(monkeypatch, tmp_path, "session_secret: ${GR_TEST_NOT_SET_ANYWHERE}\n")
    with pytest.raises(ConfigurationError) as caught:
        Settings()
    assert "GR_TEST_NOT_SET_ANYWHERE" in caught.value.message
    assert str(path) in caught.value.message


def test_environment_variables_win_over_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config(monkeypatch, tmp_path, "port: 8080\nhost: 0.0.0.0\n")
    monkeypatch.setenv("GREENROOM_PORT", "9090")
    settings = Settings()
    assert settings.port == 9090
    assert settings.host == "0.0.0.0"


def test_a_nested_environment_variable_merges_with_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config(
        monkeypatch,
        tmp_path,
        "catalog:\n  orphan_strategy: delete\n  processing_interval_seconds: 45\n",
    )
    monkeypatch.setenv("GREENROOM_CATALOG__ORPHAN_STRATEGY", "keep")
    settings = Settings()
    assert settings.catalog.orphan_strategy == "keep"
    assert settings.catalog.processing_interval_seconds == 45.0


def test_a_nested_environment_variable_works_without_a_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GREENROOM_CATALOG__ORPHAN_STRATEGY", "keep")
    monkeypatch.setenv("GREENROOM_CATALOG__READONLY", "true")
    settings = Settings()
    assert settings.catalog.orphan_strategy == "keep"
    assert settings.catalog.readonly is True


def test_an_invalid_value_in_the_file_names_the_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config(monkeypatch, tmp_path, "catalog:\n  orphan_strategy: sometimes\n")
    with pytest.raises(ValidationError) as caught:
        Settings()
    (error,) = caught.value.errors()
    assert error["loc"] == ("catalog", "orphan_strategy")
    assert "sometimes" in str(caught.value)
    assert "'keep' or 'delete'" in str(caught.value)


def test_an_invalid_environment_value_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_CATALOG__ORPHAN_STRATEGY", "sometimes")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert [error["loc"] for error in caught.value.errors()] == [("catalog", "orphan_strategy")]


def test_an_unknown_log_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_LOG_LEVEL", "verbose")
    with pytest.raises(ValidationError, match="unknown log level 'verbose'"):
        Settings()


def test_an_unknown_setting_in_the_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config(monkeypatch, tmp_path, "prot: 8080\n")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert [error["loc"] for error in caught.value.errors()] == [("prot",)]


@pytest.mark.parametrize("text", ["- port: 8080\n", "just a string\n", "42\n"])
def test_a_file_that_is_not_a_mapping_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str
) -> None:
    path = _config(monkeypatch, tmp_path, text)
    with pytest.raises(ConfigurationError, match="expected a mapping at the top level") as caught:
        Settings()
    assert str(path) in caught.value.message


def test_unreadable_yaml_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _config(monkeypatch, tmp_path, "catalog:\n  locations: [unclosed\n")
    with pytest.raises(ConfigurationError, match="cannot read configuration") as caught:
        Settings()
    assert str(path) in caught.value.message


def test_an_empty_file_gives_the_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _config(monkeypatch, tmp_path, "# nothing configured yet\n")
    assert Settings().port == 7007


def test_a_missing_config_file_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.yaml"
    monkeypatch.setenv("GREENROOM_CONFIG_FILE", str(missing))
    with pytest.raises(ConfigurationError, match="no such file") as caught:
        Settings()
    assert str(missing) in caught.value.message


def test_the_database_defaults_to_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    settings = Settings(data_dir=data_dir)
    assert settings.database_url is None
    assert settings.resolved_database_url == f"sqlite:///{data_dir.resolve() / 'greenroom.db'}"


def test_a_relative_data_dir_resolves_against_the_working_directory(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.data_dir == Path("var")
    assert settings.resolved_database_url == (
        f"sqlite:///{tmp_path.resolve() / 'var' / 'greenroom.db'}"
    )


def test_an_explicit_database_url_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().resolved_database_url == "postgresql+psycopg://u@h/db"


def test_the_session_secret_is_hidden_from_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_SESSION_SECRET", "s3cr3t-do-not-print")
    settings = Settings()
    assert isinstance(settings.session_secret, SecretStr)
    assert settings.session_secret.get_secret_value() == "s3cr3t-do-not-print"
    assert "s3cr3t-do-not-print" not in repr(settings)
    assert "s3cr3t-do-not-print" not in str(settings)


def test_the_session_secret_from_the_file_is_hidden_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _config(monkeypatch, tmp_path, "session_secret: from-the-file-xyz\n")
    settings = Settings()
    assert settings.session_secret.get_secret_value() == "from-the-file-xyz"
    assert "from-the-file-xyz" not in repr(settings)


def test_a_config_file_that_is_not_utf8_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "greenroom.yaml"
    config.write_bytes(b"host: \xff\xfe\n")
    monkeypatch.setenv("GREENROOM_CONFIG_FILE", str(config))
    with pytest.raises(ConfigurationError, match="cannot read configuration"):
        Settings()
