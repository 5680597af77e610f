"""The `comity` command line: serve, migrate, and operate a Comity installation."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from app import __version__, db
from app.config import ConfigError, Settings, get_settings
from app.errors import DomainError
from app.orgs.models import OrgKind, Role, Visibility

cli = typer.Typer(
    no_args_is_help=True,
    help="Comity: knock-on precedent for migrants' rights.",
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(no_args_is_help=True, help="Database schema.")
cli.add_typer(db_cli, name="db")
orgs_cli = typer.Typer(no_args_is_help=True, help="Member organisations.")
cli.add_typer(orgs_cli, name="orgs")
users_cli = typer.Typer(no_args_is_help=True, help="User accounts.")
cli.add_typer(users_cli, name="users")
demo_cli = typer.Typer(no_args_is_help=True, help="The demo corpus of landmark decisions.")
cli.add_typer(demo_cli, name="demo")
reference_cli = typer.Typer(
    no_args_is_help=True, help="Reference law: instruments, rights, forums."
)
cli.add_typer(reference_cli, name="reference")
pleadings_cli = typer.Typer(no_args_is_help=True, help="Model pleadings.")
cli.add_typer(pleadings_cli, name="pleadings")
invitations_cli = typer.Typer(no_args_is_help=True, help="Invitations to join organisations.")
cli.add_typer(invitations_cli, name="invitations")
keys_cli = typer.Typer(no_args_is_help=True, help="The keys that seal protected client data.")
cli.add_typer(keys_cli, name="keys")
knock_on_cli = typer.Typer(no_args_is_help=True, help="The reverse knock-on job.")
cli.add_typer(knock_on_cli, name="knock-on")
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

    from app.main import check_servable, create_app

    settings = get_settings()
    check_servable(settings)
    db.ensure_servable(db.get_engine())
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit
    # instead runs the atexit hook that stops the embedded PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=None,
        server_header=False,
        **proxy_options(settings),
    )


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Honour X-Forwarded-For only from COMITY_TRUSTED_PROXIES (by default from nobody): a
    forged client address would otherwise dodge the per-address login throttle."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


@cli.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Drain what is due now, then exit.")] = False,
) -> None:
    """Deliver the outbox (events, webhooks, mail, the reverse knock-on job) and run the
    alerts' periodic jobs; run as many workers as you like, side by side."""
    import threading

    from app.worker import run

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    delivered = run(get_settings(), stop=stop, once=once)
    console.print(f"Handled {delivered} outbox messages.")


@knock_on_cli.command("warm")
def knock_on_warm(
    batch: Annotated[int, typer.Option("--batch", min=1, help="Cases per transaction.")] = 50,
) -> None:
    """Match every open case once, so that the reverse knock-on job knows the score a new
    win must beat in each (its watermark). Run after a deployment that changes weights or
    reference data; the job also keeps them current as it runs."""
    from rich.progress import Progress

    from app.core.time import utcnow
    from app.matching import reverse

    with db.session_scope() as session:
        cases = reverse.open_cases(session)
    with Progress(console=console) as progress:
        task = progress.add_task("Matching open cases", total=len(cases))
        for start in range(0, len(cases), batch):
            with db.session_scope() as session:
                for case_id, owner in cases[start : start + batch]:
                    reverse.match_and_mark(session, case_id, owner, now=utcnow())
            progress.advance(task, len(cases[start : start + batch]))
    console.print(f"Watermarks of {len(cases)} open cases are current.")


@keys_cli.command("new")
def keys_new(
    kid: Annotated[str, typer.Option("--kid", help="The new key's id.")] = "k2",
) -> None:
    """Print a new data key, to put first in COMITY_DATA_KEY before `comity keys rotate`."""
    from app.core.crypto import new_key_spec

    print(new_key_spec(kid))


@keys_cli.command("rotate")
def keys_rotate(
    batch: Annotated[int, typer.Option("--batch", min=1, help="Values per transaction.")] = 500,
) -> None:
    """Re-seal every protected value under the first key of COMITY_DATA_KEY; the keys after
    it must still hold the old ones. Each batch commits on its own, so the rotation may be
    stopped and run again, and runs beside a serving API."""
    from rich.progress import Progress

    from app.cases import service as cases
    from app.core.crypto import DecryptionError, load_keyring
    from app.webhooks import service as webhooks

    keyring = load_keyring(get_settings())
    with db.session_scope() as session:
        total = cases.count_to_reseal(session, keyring)
    done = 0
    try:
        with Progress(console=console) as progress:
            task = progress.add_task(f"Re-sealing under {keyring.active}", total=total)
            while True:
                with db.session_scope() as session:
                    n = cases.reseal_batch(session, keyring, limit=batch)
                if not n:
                    break
                done += n
                progress.advance(task, n)
    except DecryptionError:
        _fail(
            f"after {done} values, one is sealed under a key COMITY_DATA_KEY does not hold: "
            "add that key after the active one, and run again."
        )
    with db.session_scope() as session:
        secrets = webhooks.reseal_secrets(session, keyring)
        left = cases.count_to_reseal(session, keyring)
    console.print(
        f"Re-sealed {done} protected values and {secrets} webhook secrets under key "
        f"{keyring.active!r}."
    )
    if left:
        _fail(
            f"{left} values were written under another key meanwhile (an API still running "
            "with the old COMITY_DATA_KEY?): restart it with the new one, and run again."
        )
    console.print("Every value is sealed under it: the older keys may leave COMITY_DATA_KEY.")


@invitations_cli.command("show")
def invitations_show(
    org: Annotated[str | None, typer.Option("--org", help="Organisation slug.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Invitee address.")] = None,
) -> None:
    """List open invitations; in development also a fresh token for each (the mailed one
    stops working), for a machine that sends no mail."""
    from app.core.time import utcnow
    from app.orgs import repository as orgs
    from app.orgs.service import mint_invitation_token

    settings = get_settings()
    now = utcnow()
    with db.session_scope() as session:
        org_id = None
        if org is not None:
            organisation = orgs.organisation_by_slug(session, org)
            if organisation is None:
                _fail(f"No organisation with slug {org!r}.")
            org_id = organisation.id
        names = {o.id: o.slug for o in orgs.list_organisations(session, include_inactive=True)}
        lines = [
            "\t".join(
                (
                    names[inv.organisation_id],
                    inv.email,
                    inv.role.value,
                    f"expires {inv.expires_at:%Y-%m-%d %H:%M}",
                    "(mailed)" if settings.is_production else mint_invitation_token(inv),
                )
            )
            for inv in orgs.open_invitations(session, now=now, org_id=org_id, email=email)
        ]
    # Plain lines, never wrapped: a token is copied whole.
    typer.echo("\n".join(lines) if lines else "No open invitations.")
    if not settings.is_production:
        console.print("Accept with POST /api/v1/auth/invitations/accept {token, password}.")


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


@demo_cli.command("load")
def demo_load() -> None:
    """Load the 60 landmark decisions as public cases of the Comity demo network."""
    from app.cases.transfer import load_demo
    from app.core.time import utcnow

    with db.session_scope() as session:
        report = load_demo(session, now=utcnow())
    _print_import(report)
    if report.errors:
        raise typer.Exit(1)


class ImportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    ecthr = "ecthr"


@demo_cli.command("accounts")
def demo_accounts() -> None:
    """Create demo sign-ins (a clinic litigator and staff member, a hub admin) that share one
    published password; refused in production."""
    from app.cases.transfer import demo_organisation
    from app.core.time import utcnow
    from app.orgs.demo import DEMO_PASSWORD, load_demo_accounts

    if get_settings().is_production:
        _fail("demo accounts share a published password: they are refused in production.")
    with db.session_scope() as session:
        accounts = load_demo_accounts(session, demo_organisation(session, utcnow()), now=utcnow())
    console.print(f"Demo sign-ins at http://127.0.0.1:8000/ (password {DEMO_PASSWORD}):")
    for a in accounts:
        console.print(f"  {a.email}  {a.role.value} of {a.org_slug}")


@cli.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="File to import.")],
    fmt: Annotated[ImportFormat, typer.Option("--format", help="jsonl, csv or ecthr.")] = (
        ImportFormat.jsonl
    ),
    org: Annotated[str, typer.Option(help="Slug of the owning organisation.")] = "comity-demo",
    visibility: Annotated[Visibility, typer.Option(help="private, network or public.")] = (
        Visibility.private
    ),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="Import the valid records.")] = False,
) -> None:
    """Import cases from a Comity interchange file or the ECtHR corpus (all-or-nothing)."""
    import time

    from rich.progress import Progress

    from app.cases import ecthr, interchange
    from app.cases.importing import import_cases
    from app.cases.interchange import RecordError
    from app.cases.transfer import demo_organisation
    from app.core.time import utcnow
    from app.orgs import repository as orgs

    started = time.perf_counter()
    with Progress(transient=True, console=console) as bar, db.session_scope() as session:
        owner = (
            demo_organisation(session, utcnow())
            if org == "comity-demo"
            else orgs.organisation_by_slug(session, org)
        )
        if owner is None:
            _fail(f"No organisation with slug {org!r}.")
        records: Iterable[tuple[int, dict[str, Any] | RecordError]]
        if fmt is ImportFormat.ecthr:
            records = ecthr.interchange_records(path)
        else:
            parse = interchange.parse_jsonl if fmt is ImportFormat.jsonl else interchange.parse_csv
            records = parse(path.read_bytes())
        task = bar.add_task(f"Importing {path.name}", total=None)
        report = import_cases(
            session,
            records,
            owner_org_id=owner.id,
            visibility=visibility,
            actor=None,
            partial=partial,
            dry_run=dry_run,
            now=utcnow(),
            progress=lambda n: bar.update(task, completed=n),
        )
    elapsed = time.perf_counter() - started
    _print_import(report)
    if report.written:
        console.print(
            f"{report.created + report.updated} cases in {elapsed:.1f} s "
            f"({(report.created + report.updated) / elapsed:.0f} cases/s)."
        )
    if report.errors and not partial:
        raise typer.Exit(1)


@cli.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    out: Annotated[
        Path | None, typer.Option(help="File to write; standard output if omitted.")
    ] = None,
    forum: Annotated[str | None, typer.Option(help="Only this forum.")] = None,
    right: Annotated[
        str | None, typer.Option(help="Only cases with a claim on this right.")
    ] = None,
) -> None:
    """Export the public cases (no client data) in the interchange format."""
    from app.auth.principal import ANONYMOUS
    from app.cases import interchange
    from app.cases.schemas import CaseQuery
    from app.cases.transfer import export_cases

    with db.session_scope() as session:
        cases = export_cases(session, ANONYMOUS, CaseQuery(forum=forum, right=right))
        chunks = (
            interchange.to_csv_rows(cases)
            if fmt == "csv"
            else (interchange.to_jsonl_line(c) for c in cases)
        )
        with out.open("w", encoding="utf-8") if out else sys.stdout as sink:
            for chunk in chunks:
                sink.write(chunk)


@cli.command("match")
def match_command(
    case: Annotated[str | None, typer.Option(help="Id of a case to match.")] = None,
    draft: Annotated[Path | None, typer.Option(help="A JSON draft: facts, target, claims.")] = None,
    limit: Annotated[int, typer.Option(help="How many precedents.")] = 10,
) -> None:
    """Print the ranked knock-on wins for a case or a draft (public and network cases)."""
    import json
    import uuid

    from pydantic import ValidationError

    from app.auth.principal import Principal
    from app.matching.schemas import Draft, MatchRequest
    from app.matching.service import find_knock_on_wins

    if (case is None) == (draft is None):
        _fail("Give exactly one of --case and --draft.")
    try:
        request = MatchRequest(
            case_id=uuid.UUID(case) if case else None,
            draft=Draft.model_validate(json.loads(draft.read_text())) if draft else None,
            limit=limit,
        )
    except (ValueError, ValidationError) as exc:
        _fail(f"Invalid request: {exc}")
    operator = Principal(user_id=None, is_hub_admin=True)
    with db.session_scope() as session:
        results = find_knock_on_wins(session, operator, request)
    table = Table("#", "score", "precedent", "forum", "decided", "why it transfers")
    for i, r in enumerate(results.results, start=1):
        why = next((x.sentence for x in r.reasons if x.kind == "transferability"), "")
        table.add_row(
            str(i),
            f"{r.score:.3f}",
            r.precedent.title,
            r.precedent.forum_id,
            str(r.precedent.decided_on or ""),
            why,
        )
    console.print(table)


def _print_import(report: object) -> None:
    from app.cases.importing import ImportReport

    assert isinstance(report, ImportReport)
    table = Table(
        "records",
        "created",
        "updated",
        "claims",
        "citations resolved",
        "unresolved",
        "of which ambiguous",
        "errors",
    )
    table.add_row(
        *(
            str(v)
            for v in (
                report.records,
                report.created,
                report.updated,
                report.claims,
                report.citations_resolved,
                report.citations_unresolved,
                report.citations_ambiguous,
                len(report.errors),
            )
        )
    )
    console.print(table)
    for error in report.errors[:50]:
        console.print(f"  line {error.line} {error.field or '-'}: {error.reason}")
    if len(report.errors) > 50:
        console.print(f"  ... and {len(report.errors) - 50} more")
    if report.warnings:
        console.print(
            f"{len(report.warnings)} warnings, e.g. line {report.warnings[0].line} "
            f"{report.warnings[0].field}: {report.warnings[0].reason}"
        )
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif not report.written:
        console.print("Nothing was written: fix the errors, or use --partial.")


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
                email_verified_at=utcnow(),  # the operator vouches for the address
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


@pleadings_cli.command("render")
def pleadings_render(
    pleading_id: Annotated[str, typer.Argument(help="Id of the model pleading.")],
    case: Annotated[str, typer.Option("--case", help="Id of the case to fill it from.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.", dir_okay=False)],
    fmt: Annotated[str, typer.Option("--format", help="docx, markdown or html.")] = "docx",
    version: Annotated[
        int | None, typer.Option(help="Version number; the latest published if omitted.")
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option("--var", help="NAME=VALUE for a declared variable (VALUE may be JSON)."),
    ] = None,
    include_protected: Annotated[
        bool, typer.Option("--include-protected", help="Fill in clients' names.")
    ] = False,
) -> None:
    """Render a model pleading for a case, as the operator (full access)."""
    import json
    import uuid

    from pydantic import ValidationError

    from app.core.crypto import load_keyring
    from app.core.time import utcnow
    from app.pleadings import service as pleadings
    from app.pleadings.schemas import RenderRequest

    values: dict[str, Any] = {}
    for item in var or []:
        name, sep, raw = item.partition("=")
        if not sep:
            _fail(f"--var {item!r}: write NAME=VALUE.")
        try:
            values[name.strip()] = json.loads(raw)
        except ValueError:
            values[name.strip()] = raw
    try:
        pleading = uuid.UUID(pleading_id)
        body = RenderRequest.model_validate(
            {
                "case_id": case,
                "version": version,
                "variables": values,
                "format": fmt,
                "include_protected": include_protected,
            }
        )
    except ValidationError as exc:
        _fail(_validation_message(exc))
    except ValueError:
        _fail(f"{pleading_id!r} is not a pleading id.")
    now = utcnow()
    with db.session_scope() as session:
        rendered = pleadings.render_pleading(
            session,
            pleadings.operator(session, pleading, body.case_id),
            load_keyring(get_settings()),
            pleading,
            body,
            today=now.date(),
            now=now,
        )
    out.write_bytes(rendered.content)
    console.print(f"Wrote {out} ({len(rendered.content)} bytes, {rendered.media_type}).")


@pleadings_cli.command("load-demo")
def pleadings_load_demo() -> None:
    """Load the demo model pleadings as public pleadings of the Comity demo network."""
    from app.core.time import utcnow
    from app.pleadings.demo import load_demo

    with db.session_scope() as session:
        report = load_demo(session, now=utcnow())
    console.print(
        f"Demo pleadings: {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged."
    )
    if report.unresolved_authorities:
        console.print(
            f"[yellow]Warning:[/yellow] {len(report.unresolved_authorities)} authorities are "
            "not in Comity yet and were skipped (run `comity demo load` first): "
            + ", ".join(report.unresolved_authorities)
        )


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
