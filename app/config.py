"""Runtime settings, read from COMITY_* environment variables."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me-0123456789"


class ConfigError(RuntimeError):
    """The configuration cannot be served; the message is one line an operator can act on."""


class Environment(StrEnum):
    development = "development"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMITY_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="PostgreSQL >= 15 URL; unset starts the embedded server."
    )
    data_dir: Path = Field(default=Path(".comity"), description="Folder for embedded data.")
    secret_key: str | None = Field(default=None, description="HMAC key for access tokens.")
    data_key: str | None = Field(
        default=None, description="Keys for protected client data: kid:base64[,kid:base64]."
    )
    env: Environment = Environment.development
    log_level: str = "INFO"
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_header_bytes: int = Field(default=16 * 1024, ge=1024)
    max_attachment_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="Largest model-pleading attachment."
    )
    db_pool_size: int = Field(default=10, ge=1)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    jwt_algorithm: str = "HS256"
    jwt_private_key_file: Path | None = None
    jwt_public_key_file: Path | None = None
    jwt_issuer: str = "comity"
    jwt_audience: str = "comity-api"
    access_token_minutes: int = Field(default=15, ge=5, le=15)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    web_session_hours: int = Field(default=12, ge=1, le=24 * 30)
    login_account_threshold: int = Field(default=5, ge=1)
    login_address_threshold: int = Field(default=15, ge=1)
    smtp_url: str | None = Field(
        default=None, description="smtp://user:pw@host:587?starttls=true or smtps://..."
    )
    mail_from: str = "Comity <comity@localhost>"
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="Base URL written into mails."
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Let webhooks reach loopback, link-local and private addresses (tests).",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_max_response_bytes: int = Field(default=64 * 1024, ge=1024)
    webhook_disable_after: int = Field(
        default=15, ge=1, description="Failed attempts in a row that disable an endpoint."
    )
    outbox_retry_seconds: float = Field(
        default=30.0, gt=0, description="The first retry's delay; each next one doubles."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks whose X-Forwarded-For is honoured.",
    )

    @property
    def is_production(self) -> bool:
        return self.env is Environment.production

    def effective_secret_key(self) -> str:
        return self.secret_key or DEFAULT_SECRET_KEY


@lru_cache
def get_settings() -> Settings:
    return Settings()
