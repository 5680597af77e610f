"""Authentication use cases: log in, refresh, log out, tokens, passwords, invitations."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth import passwords, repository
from app.auth.models import ApiToken, RefreshToken, UserAccount, WebSession
from app.auth.principal import ALL_SCOPES, WRITE_SCOPE, Principal
from app.auth.schemas import (
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    MembershipRead,
    MeRead,
    PasswordChange,
    TokenPair,
    UserPatch,
    UserRead,
)
from app.auth.tokens import SigningKeys, TokenError, decode_access_token, issue_access_token
from app.config import Settings
from app.errors import (
    AuthenticationRequired,
    DomainError,
    NotFoundError,
    PermissionDenied,
    ValidationFailed,
)
from app.orgs import repository as org_repository

API_TOKEN_PREFIX = "comity_"
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_DELAY = timedelta(minutes=15)
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class InvalidCredentials(AuthenticationRequired):
    code = "invalid_credentials"
    title = "Invalid credentials"
    persist_writes = True  # the failure count must survive the rejected request


class RefreshTokenReused(AuthenticationRequired):
    code = "refresh_token_reused"
    title = "Refresh token already used"
    persist_writes = True  # revoking the family is the point of detecting reuse


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"
    title = "Too many failed attempts"
    persist_writes = True


class InsufficientScope(PermissionDenied):
    code = "insufficient_scope"
    title = "The token's scopes do not allow this"


# ---------------------------------------------------------------- principal


def authenticate(
    session: Session, keys: SigningKeys, bearer: str | None, *, method: str, now: datetime
) -> Principal | None:
    """Resolve a bearer credential to a principal; None when no credential was sent."""
    if bearer is None:
        return None
    if bearer.startswith(API_TOKEN_PREFIX):
        user, scopes = _user_for_api_token(session, bearer, now)
    else:
        try:
            claims = decode_access_token(keys, bearer, now=now)
        except TokenError as exc:
            raise AuthenticationRequired("The access token is not valid.") from exc
        found = repository.user_by_id(session, claims.subject)
        if found is None or found.token_version != claims.token_version:
            raise AuthenticationRequired("The access token has been revoked.")
        user, scopes = found, ALL_SCOPES
    if not user.active:
        raise AuthenticationRequired("This account is deactivated.")
    if method not in SAFE_METHODS and WRITE_SCOPE not in scopes:
        raise InsufficientScope("This API token is read-only.")
    return _principal_for(session, user, scopes, now)


def principal_of(session: Session, user_id: uuid.UUID, now: datetime) -> Principal | None:
    """What an active user may do now, as a request of theirs would (for jobs acting on
    their behalf, such as a saved search or a notification's check)."""
    user = repository.user_by_id(session, user_id)
    if user is None or not user.active:
        return None
    return _principal_for(session, user, ALL_SCOPES, now)


def _principal_for(
    session: Session, user: UserAccount, scopes: frozenset[str], now: datetime
) -> Principal:
    roles = repository.active_roles(session, user.id)
    supported: set[uuid.UUID] = set()
    if user.is_hub_admin:
        for org_id, role in repository.active_support_roles(session, user.id, now).items():
            if org_id not in roles or role.rank > roles[org_id].rank:
                roles[org_id] = role
                supported.add(org_id)
    return Principal(
        user_id=user.id,
        is_hub_admin=user.is_hub_admin,
        roles=roles,
        scopes=scopes,
        supported=frozenset(supported),
    )


def _user_for_api_token(
    session: Session, raw: str, now: datetime
) -> tuple[UserAccount, frozenset[str]]:
    token = repository.api_token_by_hash(session, passwords.digest(raw))
    if token is None or token.revoked_at is not None:
        raise AuthenticationRequired("The API token is not valid.")
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationRequired("The API token has expired.")
    user = repository.user_by_id(session, token.user_id)
    if user is None:
        raise AuthenticationRequired("The API token is not valid.")
    if token.last_used_at is None or now - token.last_used_at > API_TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
    return user, frozenset(token.scopes)


# ---------------------------------------------------------------- log in, refresh, log out


def login(
    session: Session,
    settings: Settings,
    keys: SigningKeys,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
) -> TokenPair:
    user = verify_login(session, settings, email=email, password=password, address=address, now=now)
    return _issue_pair(session, settings, keys, user, family_id=uuid.uuid4(), now=now)


def verify_login(
    session: Session, settings: Settings, *, email: str, password: str, address: str, now: datetime
) -> UserAccount:
    """The account that email and password prove, under the login throttle that the API and
    the web sign-in share."""
    account_key, address_key = f"account:{email.lower()}", f"address:{address}"
    # Concurrent attempts on one account take turns, so each one reads the failures that the
    # one before it recorded: at most the threshold of guesses is ever checked.
    repository.lock_throttle_key(session, account_key)
    _check_throttle(session, settings, account_key, address_key, now)
    user = repository.user_by_email(session, email)
    ok = passwords.verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.active:
        for key in (account_key, address_key):
            repository.record_login_failure(session, key, now, now - THROTTLE_WINDOW)
        raise InvalidCredentials("The email or password is wrong.")
    repository.clear_login_failures(session, account_key)
    return user


def _check_throttle(
    session: Session, settings: Settings, account_key: str, address_key: str, now: datetime
) -> None:
    thresholds = {
        account_key: settings.login_account_threshold,
        address_key: settings.login_address_threshold,
    }
    wait = timedelta(0)
    for state in repository.throttle_state(session, list(thresholds)):
        excess = state.failures - thresholds[state.key]
        if excess < 0 or state.last_failure_at < now - THROTTLE_WINDOW:
            continue
        delay = min(timedelta(seconds=2 ** min(excess + 1, 20)), MAX_DELAY)
        wait = max(wait, state.last_failure_at + delay - now)
    if wait > timedelta(0):
        seconds = max(1, int(wait.total_seconds() + 0.999))
        raise TooManyAttempts(
            f"Too many failed logins; try again in {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )


def refresh(
    session: Session, settings: Settings, keys: SigningKeys, raw: str, *, now: datetime
) -> TokenPair:
    token = repository.refresh_token_for_update(session, passwords.digest(raw))
    if token is None:
        raise AuthenticationRequired("The refresh token is not valid.")
    if token.rotated_at is not None or token.revoked_at is not None:
        repository.revoke_refresh_family(session, token.family_id, now)
        audit.record(
            session,
            Principal(user_id=token.user_id),
            action="auth.refresh_reuse",
            object_type="refresh_token_family",
            object_id=token.family_id,
            now=now,
        )
        raise RefreshTokenReused(
            "This refresh token was already used or revoked; every session it belonged to "
            "has been closed. Log in again."
        )
    if token.expires_at <= now:
        raise AuthenticationRequired("The refresh token has expired.")
    user = repository.user_by_id(session, token.user_id)
    if user is None or not user.active:
        raise AuthenticationRequired("This account is deactivated.")
    token.rotated_at = now
    return _issue_pair(session, settings, keys, user, family_id=token.family_id, now=now)


def _issue_pair(
    session: Session,
    settings: Settings,
    keys: SigningKeys,
    user: UserAccount,
    *,
    family_id: uuid.UUID,
    now: datetime,
) -> TokenPair:
    ttl = timedelta(minutes=settings.access_token_minutes)
    access, _ = issue_access_token(
        keys, subject=user.id, token_version=user.token_version, now=now, ttl=ttl
    )
    raw_refresh = passwords.new_secret()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=passwords.digest(raw_refresh),
            created_at=now,
            expires_at=now + timedelta(days=settings.refresh_token_days),
        )
    )
    return TokenPair(
        access_token=access, refresh_token=raw_refresh, expires_in=int(ttl.total_seconds())
    )


def logout(
    session: Session,
    principal: Principal,
    *,
    refresh_token: str | None,
    everywhere: bool,
    now: datetime,
) -> None:
    user = _current_user(session, principal)
    if refresh_token:
        token = repository.refresh_token_for_update(session, passwords.digest(refresh_token))
        if token is not None and token.user_id == user.id:
            repository.revoke_refresh_family(session, token.family_id, now)
    if everywhere:
        revoke_everything(session, user, now, api_tokens=True)
    audit.record(
        session,
        principal,
        action="auth.logout_everywhere" if everywhere else "auth.logout",
        object_type="user",
        object_id=user.id,
        now=now,
    )


def revoke_everything(
    session: Session, user: UserAccount, now: datetime, *, api_tokens: bool = False
) -> None:
    """End every session of user: refresh tokens revoked, access tokens invalidated, and with
    `api_tokens` (log out everywhere, a new password, deactivation) personal API tokens too."""
    user.token_version += 1
    repository.revoke_user_refresh_tokens(session, user.id, now)
    if api_tokens:
        repository.revoke_user_api_tokens(session, user.id, now)


def change_password(
    session: Session, principal: Principal, change: PasswordChange, *, now: datetime
) -> None:
    user = _current_user(session, principal)
    if not passwords.verify_password(change.current_password, user.password_hash):
        raise ValidationFailed("The current password is wrong.")
    user.password_hash = passwords.hash_password(change.new_password)
    revoke_everything(session, user, now, api_tokens=True)
    audit.record(
        session,
        principal,
        action="user.password_change",
        object_type="user",
        object_id=user.id,
        now=now,
    )


def open_session(
    session: Session, settings: Settings, keys: SigningKeys, user: UserAccount, *, now: datetime
) -> TokenPair:
    """A new session (token family) for a user who just proved who they are."""
    return _issue_pair(session, settings, keys, user, family_id=uuid.uuid4(), now=now)


# ---------------------------------------------------------------- web sessions


def open_web_session(
    session: Session, settings: Settings, user: UserAccount, *, now: datetime
) -> str:
    """A browser session for a user who just signed in: the cookie's secret, stored hashed."""
    raw = passwords.new_secret()
    session.add(
        WebSession(
            user_id=user.id,
            token_hash=passwords.digest(raw),
            token_version=user.token_version,
            created_at=now,
            expires_at=now + timedelta(hours=settings.web_session_hours),
        )
    )
    audit.record(
        session,
        Principal(user_id=user.id),
        action="auth.web_sign_in",
        object_type="user",
        object_id=user.id,
        now=now,
    )
    return raw


def web_principal(session: Session, raw: str | None, *, now: datetime) -> Principal | None:
    """The principal of a session cookie; None when it is absent, ended or forged."""
    if not raw:
        return None
    found = repository.web_session_by_hash(session, passwords.digest(raw))
    if found is None or found.revoked_at is not None or found.expires_at <= now:
        return None
    user = repository.user_by_id(session, found.user_id)
    if user is None or not user.active or user.token_version != found.token_version:
        return None
    return _principal_for(session, user, ALL_SCOPES, now)


def close_web_session(session: Session, raw: str | None, *, now: datetime) -> None:
    """Sign a browser out: its session stops working at once."""
    found = repository.web_session_by_hash(session, passwords.digest(raw)) if raw else None
    if found is None or found.revoked_at is not None:
        return
    found.revoked_at = now
    audit.record(
        session,
        Principal(user_id=found.user_id),
        action="auth.web_sign_out",
        object_type="user",
        object_id=found.user_id,
        now=now,
    )


# ---------------------------------------------------------------- the current user


def _current_user(session: Session, principal: Principal) -> UserAccount:
    if principal.user_id is None:
        raise AuthenticationRequired()
    user = repository.user_by_id(session, principal.user_id)
    if user is None:
        raise AuthenticationRequired()
    return user


def me(session: Session, principal: Principal) -> MeRead:
    user = _current_user(session, principal)
    orgs = {o.id: o for o in org_repository.organisations_by_ids(session, principal.org_ids)}
    return MeRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_hub_admin=user.is_hub_admin,
        memberships=[
            MembershipRead(
                organisation_id=org_id,
                organisation_slug=orgs[org_id].slug,
                organisation_name=orgs[org_id].name,
                organisation_kind=orgs[org_id].kind,
                role=role,
            )
            for org_id, role in sorted(principal.roles.items(), key=lambda kv: orgs[kv[0]].slug)
        ],
    )


def create_api_token(
    session: Session, principal: Principal, body: ApiTokenCreate, *, now: datetime
) -> ApiTokenCreated:
    user = _current_user(session, principal)
    if body.expires_at is not None and body.expires_at.tzinfo is None:
        raise ValidationFailed("expires_at needs a time zone.")
    if body.expires_at is not None and body.expires_at <= now:
        raise ValidationFailed("expires_at must be in the future.")
    raw = passwords.new_secret(API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,
        name=body.name,
        token_hash=passwords.digest(raw),
        display_prefix=raw[:12],
        scopes=sorted({s.value for s in body.scopes}),
        created_at=now,
        expires_at=body.expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        principal,
        action="api_token.create",
        object_type="api_token",
        object_id=token.id,
        after={"name": token.name, "scopes": token.scopes},
        now=now,
    )
    return ApiTokenCreated(**ApiTokenRead.model_validate(token).model_dump(), token=raw)


def list_api_tokens(session: Session, principal: Principal) -> list[ApiTokenRead]:
    user = _current_user(session, principal)
    return [ApiTokenRead.model_validate(t) for t in repository.api_tokens_of(session, user.id)]


def revoke_api_token(
    session: Session, principal: Principal, token_id: uuid.UUID, *, now: datetime
) -> None:
    user = _current_user(session, principal)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError("No such API token.")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.record(
            session,
            principal,
            action="api_token.revoke",
            object_type="api_token",
            object_id=token.id,
            now=now,
        )


def revoke_all_api_tokens(session: Session, principal: Principal, *, now: datetime) -> None:
    user = _current_user(session, principal)
    repository.revoke_user_api_tokens(session, user.id, now)
    audit.record(
        session,
        principal,
        action="api_token.revoke_all",
        object_type="user",
        object_id=user.id,
        now=now,
    )


# ---------------------------------------------------------------- user administration


def patch_user(
    session: Session, principal: Principal, user_id: uuid.UUID, patch: UserPatch, *, now: datetime
) -> UserRead:
    """Hub admins activate, deactivate and promote users; users rename themselves.

    A user record (with its address) is visible to that user, to the admins of their
    organisations and to the hub admins who moderate accounts; to anyone else it does not
    exist, whatever the body asks.
    """
    user = repository.user_by_id(session, user_id)
    if user is None or not _may_see_user(session, principal, user):
        raise NotFoundError("No such user.")
    changes = patch.model_dump(exclude_unset=True)
    privileged = {k for k in changes if k in ("active", "is_hub_admin")}
    if privileged and not principal.is_hub_admin:
        raise PermissionDenied("Only hub admins change activation or hub-admin rights.")
    if "display_name" in changes and not (principal.is_hub_admin or principal.user_id == user.id):
        raise PermissionDenied("You may rename only yourself.")
    if privileged and user.id == principal.user_id:
        raise PermissionDenied("Hub admins cannot change their own rights or activation.")
    fields = ("display_name", "active", "is_hub_admin")
    before = audit.snapshot(user, fields)
    for key, value in changes.items():
        if value is not None:
            setattr(user, key, value)
    if privileged:
        revoke_everything(session, user, now, api_tokens=changes.get("active") is False)
    audit.record(
        session,
        principal,
        action="user.update",
        object_type="user",
        object_id=user.id,
        before=before,
        after=audit.snapshot(user, fields),
        now=now,
    )
    return UserRead.model_validate(user)


def _may_see_user(session: Session, principal: Principal, user: UserAccount) -> bool:
    if principal.is_hub_admin or principal.user_id == user.id:
        return True
    admin_of = {org for org in principal.roles if principal.is_member_admin(org)}
    return bool(admin_of & set(repository.active_roles(session, user.id)))
