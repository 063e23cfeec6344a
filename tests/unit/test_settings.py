"""The one settings object: `EQUEUE_*` variables, a SQLite default, and no placeholder secrets."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from equeue_ui.settings import SECRET_FILE_NAME, Settings

REAL_SECRET = "k3Jx9-q" * 8


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No `EQUEUE_*` variable or `.env` file of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.upper().startswith("EQUEUE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_without_a_database_url_an_sqlite_file_in_the_data_folder_is_used(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, secret=REAL_SECRET)

    url = settings.resolved_database_url

    assert url == f"sqlite+aiosqlite:///{(data_dir / 'equeue.sqlite3').resolve()}"
    assert data_dir.is_dir()


def test_a_configured_database_url_is_used_as_given(tmp_path: Path) -> None:
    pg = "postgresql+asyncpg://equeue@db:5432/equeue"
    settings = Settings(data_dir=tmp_path / "data", database_url=pg, secret=REAL_SECRET)

    assert settings.resolved_database_url == pg
    assert not (tmp_path / "data").exists()


def test_the_defaults_are_a_production_server_on_localhost_in_russian() -> None:
    settings = Settings()

    assert settings.environment == "production"
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.default_language == "ru"
    assert settings.data_dir == Path("./data")


def test_settings_come_from_equeue_prefixed_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EQUEUE_ENVIRONMENT", "development")
    monkeypatch.setenv("EQUEUE_PORT", "9000")
    monkeypatch.setenv("EQUEUE_HOST", "0.0.0.0")
    monkeypatch.setenv("EQUEUE_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("EQUEUE_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("EQUEUE_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("EQUEUE_SECRET", REAL_SECRET)

    settings = Settings()

    assert settings.environment == "development"
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert settings.data_dir == tmp_path / "elsewhere"
    assert settings.resolved_database_url == "postgresql+asyncpg://u@h/db"
    assert settings.default_language == "en"
    assert settings.resolved_secret == REAL_SECRET


def test_unprefixed_environment_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@h/db")

    settings = Settings()

    assert settings.port == 8080
    assert settings.database_url is None


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("EQUEUE_PORT=8123\nEQUEUE_ENVIRONMENT=test\n")

    settings = Settings()

    assert (settings.port, settings.environment) == (8123, "test")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EQUEUE_PORT", "0"),
        ("EQUEUE_PORT", "70000"),
        ("EQUEUE_PORT", "eighty"),
        ("EQUEUE_ENVIRONMENT", "staging"),
        ("EQUEUE_DEFAULT_LANGUAGE", "de"),
    ],
)
def test_invalid_values_are_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize(
    "secret", ["", "changeme", "secret", "change-me", "development-secret", " ChangeMe ", "SECRET"]
)
def test_a_placeholder_secret_is_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str, secret: str
) -> None:
    monkeypatch.setenv("EQUEUE_ENVIRONMENT", environment)
    monkeypatch.setenv("EQUEUE_SECRET", secret)

    with pytest.raises(ValidationError, match="placeholder"):
        Settings()


@pytest.mark.parametrize("secret", ["", "changeme", "secret"])
def test_a_placeholder_secret_is_accepted_in_development(secret: str) -> None:
    settings = Settings(environment="development", secret=secret)

    assert settings.secret == secret


def test_a_real_secret_is_used_in_production(tmp_path: Path) -> None:
    settings = Settings(environment="production", secret=REAL_SECRET, data_dir=tmp_path)

    assert settings.resolved_secret == REAL_SECRET
    assert not (tmp_path / SECRET_FILE_NAME).exists()


def test_without_a_secret_one_is_generated_and_kept_in_the_data_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    first = Settings(data_dir=data_dir).resolved_secret
    second = Settings(data_dir=data_dir).resolved_secret

    path = data_dir / SECRET_FILE_NAME
    assert len(first) >= 48
    assert path.read_text().strip() == first
    assert second == first
    assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # readable by the owner only


def test_each_data_folder_gets_its_own_generated_secret(tmp_path: Path) -> None:
    one = Settings(data_dir=tmp_path / "one").resolved_secret
    two = Settings(data_dir=tmp_path / "two").resolved_secret

    assert one != two


def test_a_configured_secret_wins_over_a_generated_one(tmp_path: Path) -> None:
    generated = Settings(data_dir=tmp_path).resolved_secret

    configured = Settings(data_dir=tmp_path, secret=REAL_SECRET).resolved_secret

    assert configured == REAL_SECRET != generated


def test_the_metrics_token_comes_from_the_environment_and_a_short_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(secret=REAL_SECRET).metrics_token is None  # loopback only by default
    monkeypatch.setenv("EQUEUE_METRICS_TOKEN", "m" * 32)
    assert Settings(secret=REAL_SECRET).metrics_token == "m" * 32

    monkeypatch.setenv("EQUEUE_METRICS_TOKEN", "short")
    with pytest.raises(ValidationError):
        Settings(secret=REAL_SECRET)
