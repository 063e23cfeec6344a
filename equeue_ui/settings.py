"""The one validated settings object: `EQUEUE_*` environment variables or a `.env` file."""

from __future__ import annotations

import ipaddress
import json
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from equeue_ui.data_dir import PRIVATE_FILE_MODE, ensure_private_dir, ensure_private_file

# Secrets that appear in docs and examples; a real deployment must never run on them.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "development-secret"})
SECRET_FILE_NAME = "secret.key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EQUEUE_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "production"
    data_dir: Path = Path("./data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    secret: str | None = None
    default_language: Literal["ru", "en"] = "ru"
    # Dates are shown in the university's time zone (SFU: Krasnoyarsk).
    timezone: str = "Asia/Krasnoyarsk"
    public_url: str | None = None
    log_level: str = "INFO"
    # eCourses (Moodle) sign-in and import; a site admin can override these in the database.
    ecourses_url: str | None = None
    ecourses_service: str = "moodle_mobile_app"
    ecourses_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Intranet hosts the server may fetch addresses from although they are not public: host
    # names, IP addresses or networks (equeue_ui/fetch_guard.py). Comma-separated or JSON.
    fetch_allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # permessage-deflate on the live socket. Every browser offers it, and the server then keeps
    # a zlib stream per open page (about 170 KB) and compresses every queue change once per
    # page: with 1,000 open pages, 293 instead of 120 KB each, and 6.8 instead of about 20
    # changes/s (tests/bench/README.md). A snapshot is about 3 KB uncompressed.
    ws_compression: bool = False
    # Requests a minute one API token may make, counted in each process (equeue_ui/api/auth.py).
    api_requests_per_minute: int = Field(default=120, ge=1, le=1_000_000)
    # The patches of NiceGUI's, engine.io's, uvicorn's and Starlette's internals that make the
    # app fast (equeue_ui/tuning/README.md). Off: the libraries' own code runs everywhere.
    tuning: bool = True
    # Loopback-only endpoints the load benchmark drives the app through; never on in production.
    benchmark_hooks: bool = False
    # Reverse proxies (addresses or networks) whose X-Forwarded-For names the client. Nobody by
    # default: anyone can send that header, and rate limits count by the address it names.
    trusted_proxies: Annotated[list[str], NoDecode] = []
    # Web Push (issue 17): the VAPID private key (PEM) that signs every push; unset, one is
    # generated once into the data folder (vapid_private.pem). Rotation: README, Web Push.
    vapid_private_key: str | None = None
    # Who runs the server, for the push services (RFC 8292): a mailto: or https: address.
    vapid_subject: str = "mailto:equeue@localhost"
    # Push endpoints come from browsers, so they go through the fetch guard like any address a
    # person gave; tests admit their loopback push service here. Never set in production.
    push_allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Who may read /metrics from elsewhere than this machine: a scraper that sends
    # "Authorization: Bearer <token>" (pages/metrics.py). Unset: only loopback reads them.
    metrics_token: str | None = Field(default=None, min_length=16)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as error:
                raise ValueError(f"not an IP address or network: {entry!r}") from error
        return value

    @field_validator("fetch_allow_hosts", "push_allow_hosts", mode="before")
    @classmethod
    def _split_allow_hosts(cls, value: object) -> object:
        return _comma_list(value)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if (
            self.secret is not None
            and self.secret.strip().lower() in PLACEHOLDER_SECRETS
            and self.environment != "development"
        ):
            raise ValueError(
                "EQUEUE_SECRET is a known placeholder; set a long random value "
                "(or leave it unset to have one generated in the data folder)"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        ensure_private_dir(self.data_dir)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'equeue.sqlite3').resolve()}"

    @cached_property
    def resolved_secret(self) -> str:
        """The configured secret, or one generated once and kept in the data folder."""
        if self.secret:
            return self.secret
        path = ensure_private_dir(self.data_dir) / SECRET_FILE_NAME
        if path.exists():
            return ensure_private_file(path).read_text().strip()
        value = secrets.token_urlsafe(48)
        path.touch(mode=PRIVATE_FILE_MODE)  # created 0600 before the secret is written
        path.write_text(value)
        return value


def _comma_list(value: object) -> object:
    """A list setting from the environment: a JSON list or comma-separated values."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        return json.loads(text)
    return [item.strip() for item in text.split(",") if item.strip()]
