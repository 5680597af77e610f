from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import DEFAULT_SECRET_KEY, ConfigError, Environment, Settings
from app.main import create_app


class TestProductionSecret:
    @pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET_KEY])
    def test_production_refuses_missing_or_default_secret(self, secret: str | None) -> None:
        settings = Settings(env=Environment.production, secret_key=secret)

        with pytest.raises(ConfigError, match="COMITY_SECRET_KEY"):
            create_app(settings, check_database=False)

    def test_development_starts_with_default_secret(self) -> None:
        assert create_app(Settings(secret_key=None), check_database=False).title == "Comity"

    def test_cli_says_why_in_one_line(self) -> None:
        env = {"COMITY_ENV": "production", "PATH": "/usr/bin:/bin"}

        r = subprocess.run(
            [sys.executable, "-m", "app.cli", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

        assert r.returncode == 2
        assert r.stderr.strip().count("\n") == 0
        assert "COMITY_SECRET_KEY" in r.stderr


class TestDatabaseUrl:
    def test_plain_postgresql_url_gets_psycopg_driver(self) -> None:
        from app.db import normalise_url

        assert normalise_url("postgresql://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"

    def test_non_postgresql_url_is_refused(self) -> None:
        from app.db import normalise_url

        with pytest.raises(ConfigError, match="PostgreSQL"):
            normalise_url("sqlite:///x.db")
