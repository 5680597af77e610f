"""The `comity` command line: serve, migrate, and operate a Comity installation."""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app import __version__, db
from app.config import ConfigError, get_settings

cli = typer.Typer(no_args_is_help=True, help="Comity: knock-on precedent for migrants' rights.")
db_cli = typer.Typer(no_args_is_help=True, help="Database schema.")
cli.add_typer(db_cli, name="db")
console = Console()


def alembic_config() -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    return cfg


def upgrade_database() -> tuple[str | None, str | None]:
    """Migrate the configured database to head; returns (before, after) revisions."""
    from alembic import command
    from alembic.config import Config

    cfg = alembic_config()
    assert isinstance(cfg, Config)
    with db.get_engine().begin() as conn:
        before = db.current_revision(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        after = db.current_revision(conn)
    return before, after


@cli.command()
def version() -> None:
    """Print the Comity version."""
    console.print(f"comity {__version__}")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API (refuses a database whose schema is behind)."""
    import uvicorn

    from app.main import create_app

    settings = get_settings()
    settings.check_servable()
    db.ensure_servable(db.get_engine())
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit
    # instead runs the atexit hook that stops the embedded PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    before, after = upgrade_database()
    if before == after:
        console.print(f"Schema already at head ({after}).")
    else:
        console.print(f"Schema upgraded from {before or 'empty'} to {after}.")


@db_cli.command("status")
def db_status() -> None:
    """Show the schema revision, server version and optional capabilities."""
    with db.get_engine().connect() as conn:
        status = db.schema_status(conn)
        caps = db.detect_capabilities(conn)
        version_num = db.server_version(conn)
    table = Table(show_header=False)
    table.add_row("server", f"PostgreSQL {version_num // 10000}.{version_num % 10000}")
    table.add_row("schema", status.current or "empty")
    table.add_row("head", status.head or "-")
    table.add_row("at head", "yes" if status.at_head else "no: run `comity db upgrade`")
    for name in ("pg_trgm", "unaccent", "vector"):
        table.add_row(name, "installed" if getattr(caps, name) else "missing (feature degrades)")
    console.print(table)
    if not status.at_head:
        raise typer.Exit(1)


def main() -> None:
    try:
        cli()
    except ConfigError as exc:
        print(f"comity: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
