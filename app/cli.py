"""The `comity` command line: serve, migrate, and operate a Comity installation."""

from __future__ import annotations

import signal
import sys
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from app import __version__, db
from app.config import ConfigError, get_settings
from app.errors import DomainError
from app.orgs.models import OrgKind, Role

cli = typer.Typer(
    no_args_is_help=True,
    help="Comity: knock-on precedent for migrants' rights.",
    pretty_exceptions_show_locals=False,
)
db_cli = typer.Typer(no_args_is_help=True, help="Database schema.")
cli.add_typer(db_cli, name="db")
orgs_cli = typer.Typer(no_args_is_help=True, help="Member organisations.")
cli.add_typer(orgs_cli, name="orgs")
users_cli = typer.Typer(no_args_is_help=True, help="User accounts.")
cli.add_typer(users_cli, name="users")
reference_cli = typer.Typer(
    no_args_is_help=True, help="Reference law: instruments, rights, forums."
)
cli.add_typer(reference_cli, name="reference")
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


@reference_cli.command("load")
def reference_load() -> None:
    """Load or update the reference data shipped with Comity (idempotent)."""
    from rich.progress import Progress

    from app.reference.loading import load_reference_data

    with Progress(transient=True, console=console) as progress, db.session_scope() as session:
        task = progress.add_task("Loading reference data", total=None)
        report = load_reference_data(
            session, progress=lambda step: progress.update(task, description=f"Loading {step}")
        )
    table = Table("table", "added", "changed", "unchanged", title="Reference data")
    for name, counts in report.tables.items():
        table.add_row(name, str(counts.added), str(counts.changed), str(counts.unchanged))
    console.print(table)
    console.print("Source: " + ", ".join(f"{n} {what}" for what, n in report.source_counts.items()))


@orgs_cli.command("create")
def orgs_create(
    name: Annotated[str, typer.Argument(help="Display name.")],
    kind: Annotated[OrgKind, typer.Option(help="clinic, ngo, law_firm or hub.")],
    country: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code.")],
    slug: Annotated[
        str | None, typer.Option(help="URL name; derived from NAME if omitted.")
    ] = None,
) -> None:
    """Create a member organisation."""
    from pydantic import ValidationError

    from app.core.time import utcnow
    from app.orgs.schemas import OrganisationCreate
    from app.orgs.service import add_organisation

    try:
        body = OrganisationCreate(name=name, kind=kind, country=country, slug=slug or slugify(name))
    except ValidationError as exc:
        _fail(_validation_message(exc))
    with db.session_scope() as session:
        org = add_organisation(session, None, body, now=utcnow())
        console.print(f"Created organisation {org.slug} ({org.id}).")


@users_cli.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="Login email.")],
    org: Annotated[str, typer.Option(help="Slug of the organisation to join.")],
    role: Annotated[Role, typer.Option(help="viewer, staff, litigator or admin.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user in an organisation; without --password-stdin a password is printed once."""
    from app.auth import passwords
    from app.auth import repository as users
    from app.auth.models import UserAccount
    from app.core.time import utcnow
    from app.orgs import repository as orgs
    from app.orgs.service import add_membership

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < passwords.MIN_PASSWORD_LENGTH:
            _fail(f"The password needs at least {passwords.MIN_PASSWORD_LENGTH} characters.")
    else:
        password = passwords.generate_password()
    with db.session_scope() as session:
        organisation = orgs.organisation_by_slug(session, org)
        if organisation is None:
            _fail(f"No organisation with slug {org!r}.")
        user = users.user_by_email(session, email)
        if user is None:
            user = UserAccount(
                email=email,
                display_name=name or email.split("@")[0],
                password_hash=passwords.hash_password(password),
            )
            session.add(user)
            session.flush()
        elif password_stdin:
            _fail(f"{email} already exists; it was added to {org} without changing its password.")
        add_membership(session, None, organisation, user, role, now=utcnow())
    console.print(f"{email} is now {role.value} of {org}.")
    if not password_stdin:
        console.print(f"Password (shown once): {password}")


@users_cli.command("hub-admin")
def users_hub_admin(
    email: Annotated[str, typer.Argument(help="Login email.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the right away.")] = False,
) -> None:
    """Grant (or with --revoke, take away) hub-admin rights."""
    from app.audit import service as audit
    from app.auth import repository as users
    from app.auth.service import revoke_everything
    from app.core.time import utcnow

    with db.session_scope() as session:
        user = users.user_by_email(session, email)
        if user is None:
            _fail(f"No user {email!r}.")
        user.is_hub_admin = not revoke
        revoke_everything(session, user, utcnow())
        audit.record(
            session,
            None,
            action="user.update",
            object_type="user",
            object_id=user.id,
            after={"is_hub_admin": user.is_hub_admin},
        )
    console.print(f"{email} {'is no longer' if revoke else 'is now'} a hub admin.")


def slugify(name: str) -> str:
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:64] or "org"


def _validation_message(exc: Exception) -> str:
    from pydantic import ValidationError

    assert isinstance(exc, ValidationError)
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def _fail(message: str) -> NoReturn:
    print(f"comity: {message}", file=sys.stderr)
    raise typer.Exit(2)


def main() -> None:
    try:
        cli()
    except (ConfigError, DomainError) as exc:
        print(f"comity: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
