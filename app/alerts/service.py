"""Subscriptions, notifications and their delivery: the outbox's events fanned out to the
people and webhooks that may read them, the reverse knock-on job, saved searches run
again, and mail digests.

Every recipient is checked as themselves: a notification, mail or webhook names a case only
if its recipient may read it then, and an internal entry only inside its organisation.
Events carry ids, labels and dates; protected client data is never read here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, load_only

from app.alerts import messages
from app.alerts import repository as repo
from app.alerts.models import Notification, Rate, Subscription, SubscriptionKind
from app.alerts.schemas import (
    NotificationQuery,
    NotificationRead,
    SubscriptionCreate,
    SubscriptionPatch,
    SubscriptionRead,
)
from app.auth import repository as auth_repository
from app.auth import service as auth_service
from app.auth.principal import Principal
from app.cases import policy as case_policy
from app.cases import repository as case_repo
from app.cases.models import LegalCase
from app.config import Settings
from app.core.crypto import Keyring
from app.core.pagination import Page, after_newest_first, newest_first_cursor
from app.errors import NotFoundError, PermissionDenied, ValidationFailed
from app.matching import repository as matching_repo
from app.matching import reverse
from app.orgs.models import Role, Visibility
from app.orgs.visibility import member_view
from app.outbox import events
from app.outbox.events import EventType
from app.outbox.mail import Mail, Mailer
from app.outbox.service import enqueue_mail
from app.reference import lookup
from app.reference import service as reference
from app.search import service as search_service
from app.search.schemas import SearchQuery
from app.webhooks import service as webhooks

log = logging.getLogger("comity.alerts")
PERIOD = {
    Rate.immediate: timedelta(0),
    Rate.daily: timedelta(days=1),
    Rate.weekly: timedelta(days=7),
}
SEARCH_EVERY = timedelta(minutes=5)  # how often a saved search runs again
SEEN_CAP = 2000  # hits of a saved search remembered as already told
HITS_SHOWN = 10


# ---------------------------------------------------------------- subscriptions


def _user(principal: Principal) -> uuid.UUID:
    if principal.user_id is None:
        raise PermissionDenied("Log in first.")
    return principal.user_id


def list_subscriptions(session: Session, principal: Principal) -> list[SubscriptionRead]:
    return [
        SubscriptionRead.model_validate(s) for s in repo.subscriptions_of(session, _user(principal))
    ]


def create_subscription(
    session: Session, principal: Principal, body: SubscriptionCreate, *, now: datetime
) -> SubscriptionRead:
    """Follow a case, save a search, or ask for new wins (for an organisation's open cases,
    or on a right in a region)."""
    user_id = _user(principal)
    sub = Subscription(
        id=uuid.uuid4(),
        user_id=user_id,
        kind=body.kind,
        rate=body.rate,
        enabled=True,
        language=body.language,
        created_at=now,
    )
    if body.kind is SubscriptionKind.case:
        assert body.case_id is not None
        if case_repo.readable_case(session, principal, body.case_id) is None:
            raise NotFoundError("No such case.")
        existing = repo.subscribers(
            session,
            SubscriptionKind.case,
            enabled_only=False,
            user_id=user_id,
            case_id=body.case_id,
        )
        if existing:  # following again: the one subscription, on, at the rate asked now
            return _switched_on(session, existing[0], body)
        sub.case_id = body.case_id
    elif body.kind is SubscriptionKind.search:
        assert body.search is not None
        if body.organisation_id is not None and principal.role_in(body.organisation_id) is None:
            raise PermissionDenied("You are not a member of that organisation.")
        sub.organisation_id = body.organisation_id
        sub.search = body.search.model_dump(mode="json", exclude_defaults=True)
        # The hits there are now are not news: only later ones are told.
        sub.seen = [str(i) for i in _hits(session, principal, sub.search)]
        sub.checked_at = now
    elif body.kind is SubscriptionKind.open_case_wins:
        org = body.organisation_id or _only_org(principal)
        if principal.role_in(org) is None:
            raise PermissionDenied("You are not a member of that organisation.")
        found = repo.subscribers(
            session,
            SubscriptionKind.open_case_wins,
            enabled_only=False,
            user_id=user_id,
            organisation_id=org,
        )
        if found:
            return _switched_on(session, found[0], body)
        sub.organisation_id = org
    else:
        if body.right_id is not None:
            lookup.require_rights(session, [body.right_id], ["body", "right_id"], indexed=False)
            sub.right_id = body.right_id
        else:
            assert body.provision is not None
            p = reference.resolve_provision(session, body.provision, field="provision")
            sub.provision = f"{p.instrument_id}:{p.path}"
        if body.region is not None:
            if len(body.region) == 2:
                lookup.require_states(session, [body.region], ["body", "region"], indexed=False)
            else:
                _require_system(session, body.region)
            sub.region = body.region
    session.add(sub)
    session.flush()
    return SubscriptionRead.model_validate(sub)


def _switched_on(session: Session, sub: Subscription, body: SubscriptionCreate) -> SubscriptionRead:
    sub.enabled, sub.rate, sub.language = True, body.rate, body.language
    session.flush()
    return SubscriptionRead.model_validate(sub)


def _require_system(session: Session, code: str) -> None:
    if code not in matching_repo.system_codes(session):
        raise ValidationFailed(f"{code} is not a regional or international system Comity knows.")


def _only_org(principal: Principal) -> uuid.UUID:
    if len(principal.roles) != 1:
        raise ValidationFailed(
            "Give organisation_id: you belong to several organisations, or none."
        )
    return next(iter(principal.roles))


def _own(session: Session, principal: Principal, subscription_id: uuid.UUID) -> Subscription:
    found = repo.subscription(session, _user(principal), subscription_id)
    if found is None:
        raise NotFoundError("No such subscription.")
    return found


def get_subscription(
    session: Session, principal: Principal, subscription_id: uuid.UUID
) -> SubscriptionRead:
    return SubscriptionRead.model_validate(_own(session, principal, subscription_id))


def patch_subscription(
    session: Session, principal: Principal, subscription_id: uuid.UUID, patch: SubscriptionPatch
) -> SubscriptionRead:
    sub = _own(session, principal, subscription_id)
    for key, value in patch.model_dump(exclude_unset=True).items():
        if value is None:
            raise ValidationFailed(f"{key} cannot be null.")
        setattr(sub, key, value)
    session.flush()
    return SubscriptionRead.model_validate(sub)


def delete_subscription(session: Session, principal: Principal, subscription_id: uuid.UUID) -> None:
    """Stop a subscription. The default "new wins" one is switched off rather than removed,
    so that it stays off."""
    sub = _own(session, principal, subscription_id)
    if sub.kind is SubscriptionKind.open_case_wins:
        sub.enabled = False
    else:
        session.delete(sub)
    session.flush()


def ensure_defaults(
    session: Session, user_id: uuid.UUID, org_id: uuid.UUID, role: Role, now: datetime
) -> None:
    """Litigators get "new wins for my open cases" unless they turned it off."""
    if role.at_least(Role.litigator):
        repo.ensure_wins_subscription(session, user_id, org_id, now)


# ---------------------------------------------------------------- unsubscribe tokens


def _mac(key: bytes, subscription_id: uuid.UUID) -> bytes:
    return hmac.new(key, b"unsubscribe:" + subscription_id.bytes, hashlib.sha256).digest()[:16]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unsubscribe_token(keyring: Keyring, subscription_id: uuid.UUID) -> str:
    return (
        f"{_b64(subscription_id.bytes)}.{_b64(_mac(keyring.keys[keyring.active], subscription_id))}"
    )


def unsubscribe(session: Session, token: str, *, keyring: Keyring) -> None:
    """Switch off the subscription a mail's link names; a forged or stale link is not found."""
    try:
        head, _, tail = token.partition(".")
        subscription_id = uuid.UUID(bytes=base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        given = base64.urlsafe_b64decode(tail + "=" * (-len(tail) % 4))
    except ValueError as exc:
        raise NotFoundError("This unsubscribe link is not valid.") from exc
    if not any(hmac.compare_digest(_mac(k, subscription_id), given) for k in keyring.keys.values()):
        raise NotFoundError("This unsubscribe link is not valid.")
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise NotFoundError("This subscription no longer exists.")
    sub.enabled = False
    session.flush()


# ---------------------------------------------------------------- notifications


def _notification_read(n: Notification, language: str) -> NotificationRead:
    return NotificationRead(
        id=n.id,
        type=n.type,
        sentence=messages.sentence(n.type, n.data, language),
        reasons=messages.reasons(n.data),
        case_id=n.case_id,
        data=n.data.get("params", {}),
        created_at=n.created_at,
        read_at=n.read_at,
    )


def list_notifications(
    session: Session, principal: Principal, query: NotificationQuery, *, language: str
) -> Page[NotificationRead]:
    """The user's notifications, newest first."""
    before = after_newest_first(query.cursor) if query.cursor else None
    rows = repo.notifications(
        session, _user(principal), unread_only=query.unread, before=before, limit=query.limit + 1
    )
    items = [_notification_read(n, query.language or language) for n in rows[: query.limit]]
    more = len(rows) > query.limit
    cursor = newest_first_cursor(items[-1].created_at, items[-1].id) if more else None
    return Page(items=items, next_cursor=cursor)


def unread_count(session: Session, principal: Principal) -> int:
    return repo.unread_count(session, _user(principal))


def mark_read(
    session: Session,
    principal: Principal,
    notification_id: uuid.UUID,
    *,
    language: str,
    now: datetime,
) -> NotificationRead:
    user_id = _user(principal)
    repo.mark_read(session, user_id, [notification_id], now)
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != user_id:
        raise NotFoundError("No such notification.")
    return _notification_read(found, language)


def new_wins(
    session: Session, principal: Principal, *, language: str, limit: int
) -> list[NotificationRead]:
    """The latest knock-on wins told to the user (the home page's list)."""
    rows = repo.notifications(
        session,
        _user(principal),
        unread_only=False,
        before=None,
        limit=limit,
        types=[EventType.knock_on_new_win.value],
    )
    return [_notification_read(n, language) for n in rows]


def regions(session: Session) -> list[str]:
    """The systems a right-in-a-region alert may name."""
    return sorted(matching_repo.system_codes(session))


def mark_all_read(session: Session, principal: Principal, *, now: datetime) -> int:
    return repo.mark_read(session, _user(principal), None, now)


# ---------------------------------------------------------------- fan-out (worker)


@dataclass
class _Fanout:
    """One event on its way out: who may read what (asked once per user), notifications,
    and webhook deliveries."""

    session: Session
    event: Mapping[str, Any]
    now: datetime
    settings: Settings
    keyring: Keyring
    principals: dict[uuid.UUID, Principal | None] = field(default_factory=dict)

    def may_read(self, user_id: uuid.UUID, case: LegalCase, *, internal: bool = False) -> bool:
        if user_id not in self.principals:
            self.principals[user_id] = auth_service.principal_of(self.session, user_id, self.now)
        p = self.principals[user_id]
        if p is None or case_repo.readable_case(self.session, p, case.id) is None:
            return False
        return not internal or case_policy.may_see_internal(p, case)

    def notify(
        self,
        subs: list[Subscription] | dict[uuid.UUID, tuple[Rate, uuid.UUID | None]],
        data: dict[str, Any],
        *,
        case_id: uuid.UUID | None,
        type: str | None = None,
    ) -> None:
        """One notification per subscriber (a user at most once per event), at its rate."""
        rates: dict[uuid.UUID, tuple[Rate, uuid.UUID | None]] = (
            subs if isinstance(subs, dict) else {s.user_id: (s.rate, s.id) for s in subs}
        )
        repo.add_notifications(
            self.session,
            rates,
            event_id=self.event["id"],
            type=type or self.event["type"],
            data=data,
            case_id=case_id,
            now=self.now,
            rates=rates,
        )

    def webhooks(self, org_ids: set[uuid.UUID] | None, body: dict[str, Any]) -> None:
        webhooks.queue_deliveries(
            self.session,
            self.event,
            org_ids,
            body,
            now=self.now,
            settings=self.settings,
            keyring=self.keyring,
        )

    def ref(self, case: LegalCase) -> dict[str, Any]:
        return case_ref(case, self.settings)


def case_ref(case: LegalCase, settings: Settings) -> dict[str, Any]:
    """What an event says of a case: its public facts and a link, nothing of its parties."""
    return {
        "id": str(case.id),
        "title": case.title,
        "forum_id": case.forum_id,
        "respondent_states": list(case.respondent_states),
        "status": case.status.value,
        "outcome": case.outcome.value if case.outcome else None,
        "decided_on": case.decided_on.isoformat() if case.decided_on else None,
        "url": f"{settings.public_url.rstrip('/')}/cases/{case.id}",
    }


def _readers_of(case: LegalCase, internal: bool) -> set[uuid.UUID] | None:
    """The organisations whose webhooks may carry the case (None: every organisation)."""
    if internal or case.visibility is Visibility.private:
        return {case.owner_org_id}
    return None


# What events read of a case: not its long texts.
_HEADER = load_only(
    LegalCase.title,
    LegalCase.forum_id,
    LegalCase.forum_jurisdiction,
    LegalCase.respondent_states,
    LegalCase.status,
    LegalCase.outcome,
    LegalCase.decided_on,
    LegalCase.owner_org_id,
    LegalCase.visibility,
)


def dispatch(
    session: Session,
    event: Mapping[str, Any],
    mailer: Mailer,
    now: datetime,
    *,
    settings: Settings,
    keyring: Keyring,
) -> None:
    """The outbox handler of events: notify the subscribers who may read the case, and
    deliver to each webhook of an organisation that may."""
    kind = EventType(event["type"])
    f = _Fanout(session, event, now, settings, keyring)
    if kind is EventType.search_new_hits:
        _search_hits(f)
        return
    case = session.get(LegalCase, uuid.UUID(event["case_id"]), options=[_HEADER])
    if case is None:
        return  # deleted since: nothing to tell
    if kind is EventType.knock_on_new_win:
        _new_win(f, case)
    elif kind is EventType.deadline_reminder:
        _reminder(f, case)
    else:
        _case_event(f, case)


def _case_event(f: _Fanout, case: LegalCase) -> None:
    data = f.event["data"]
    update = data.get("update") or {}
    internal = bool(update.get("internal"))
    params = {"case": case.title, "date": update.get("occurred_on"), "kind": update.get("kind")}
    followers = [
        s
        for s in repo.subscribers(f.session, SubscriptionKind.case, case_id=case.id)
        if f.may_read(s.user_id, case, internal=internal)
    ]
    f.notify(followers, {"params": params}, case_id=case.id)
    if f.event["type"] == EventType.case_decision_recorded and not internal:
        _right_region(f, case)
    f.webhooks(_readers_of(case, internal), {"case": f.ref(case), **data})


def _right_region(f: _Fanout, case: LegalCase) -> None:
    """Subscribers to new wins on a right (or provision) in a region the decision is of."""
    rights, provisions = reverse.won_basis(f.session, case.id)
    if not rights and not provisions:
        return
    regions = {case.forum_jurisdiction} | set(case.respondent_states)
    for state in list(regions):
        regions |= matching_repo.systems_of(f.session, state)
    labels = matching_repo.labels(f.session).rights
    for s in repo.subscribers(f.session, SubscriptionKind.right_region):
        if not (s.right_id in rights or s.provision in provisions):
            continue
        if (s.region is not None and s.region not in regions) or not f.may_read(s.user_id, case):
            continue
        params = {
            "right": labels.get(s.right_id or "", s.right_id or s.provision or ""),
            "region": s.region or "",
            "precedent": case.title,
            "forum": case.forum_id,
            "date": case.decided_on.isoformat() if case.decided_on else None,
        }
        f.notify([s], {"params": params}, case_id=case.id, type="right_region.new_win")


def _new_win(f: _Fanout, case: LegalCase) -> None:
    """A new decision entered an open case's top ten: tell its organisation's watchers."""
    data = f.event["data"]
    precedent = f.session.get(LegalCase, uuid.UUID(data["precedent_id"]))
    if precedent is None:
        return
    watchers = [
        s
        for s in repo.wins_watchers(f.session, [case.owner_org_id])
        if f.may_read(s.user_id, case) and f.may_read(s.user_id, precedent)
    ]
    params = {
        "case": case.title,
        "precedent": precedent.title,
        "forum": precedent.forum_id,
        "date": precedent.decided_on.isoformat() if precedent.decided_on else None,
        "rank": data["rank"],
    }
    f.notify(
        watchers,
        {"params": params, "reasons": data["reasons"], "precedent_id": data["precedent_id"]},
        case_id=case.id,
    )
    if case_repo.readable_case(f.session, member_view(case.owner_org_id), precedent.id) is None:
        return
    body = {
        "case": f.ref(case),
        "precedent": f.ref(precedent),
        "rank": data["rank"],
        "score": data["score"],
        "reasons": data["reasons"],
    }
    f.webhooks({case.owner_org_id}, body)


def _reminder(f: _Fanout, case: LegalCase) -> None:
    data = f.event["data"]
    internal = bool(data.get("internal"))
    members = repo.members(f.session, case.owner_org_id, Role.staff)
    subs: dict[uuid.UUID, tuple[Rate, uuid.UUID | None]] = {
        u: (Rate.immediate, None) for u in members if f.may_read(u, case, internal=internal)
    }
    params = {
        "case": case.title,
        "title": data["title"],
        "date": data["due_on"],
        "days": data["days_before"],
    }
    f.notify(subs, {"params": params}, case_id=case.id)
    f.webhooks({case.owner_org_id}, {"case": f.ref(case), **data})


def _search_hits(f: _Fanout) -> None:
    data = f.event["data"]
    sub = f.session.get(Subscription, uuid.UUID(data["subscription_id"]))
    if sub is None or not sub.enabled:
        return
    params = {"search": data["search"], "count": len(data["hits"])}
    f.notify([sub], {"params": params, "hits": data["hits"]}, case_id=None)
    if sub.organisation_id is None:
        return
    view = member_view(sub.organisation_id)
    hits = [
        f.ref(c)
        for i in data["hits"]
        if (c := case_repo.readable_case(f.session, view, uuid.UUID(i))) is not None
    ]
    if hits:
        f.webhooks({sub.organisation_id}, {"search": data["search"], "hits": hits})


# ---------------------------------------------------------------- jobs (worker)


def reverse_knock_on(
    session: Session, payload: Mapping[str, Any], mailer: Mailer, now: datetime
) -> None:
    """The outbox handler of new favourable findings: a `knock_on.new_win` event for each
    open case elsewhere whose top ten the decision enters, with the matcher's reasons."""
    for raw in payload["case_ids"]:
        helped, stats = reverse.cases_helped_by(session, uuid.UUID(raw), now=now)
        log.info(
            "reverse knock-on",
            extra={
                "case_id": raw,
                "open_cases": stats.open_cases,
                "matched": stats.matched,
                "helped": stats.helped,
            },
        )
        for h in helped:
            events.emit(
                session,
                EventType.knock_on_new_win,
                case_id=h.case_id,
                # One win is told once per open case, however often its findings are edited.
                event_id=f"msg_{uuid.uuid5(uuid.UUID(raw), str(h.case_id)).hex}",
                data={
                    "precedent_id": raw,
                    "rank": h.rank,
                    "score": h.result.score,
                    "reasons": [r.sentence for r in h.result.reasons if r.kind != "evidence"],
                },
                now=now,
            )


def _hits(session: Session, principal: Principal, search: dict[str, Any]) -> list[uuid.UUID]:
    params = {k: v for k, v in search.items() if k != "name"}
    query = SearchQuery.model_validate(
        {**params, "facets": False, "limit": 100, "sort": "-decided_on"}
    )
    return [h.id for h in search_service.search(session, principal, query).items]


def check_saved_searches(session: Session, now: datetime, *, limit: int = 50) -> int:
    """Run the saved searches due again, as their owners; new hits become an event."""
    done = 0
    for sub in repo.due_searches(session, now - SEARCH_EVERY, limit):
        done += 1
        sub.checked_at = now
        principal = auth_service.principal_of(session, sub.user_id, now)
        if principal is None or sub.search is None:
            continue
        try:
            found = _hits(session, principal, sub.search)
        except ValidationFailed:
            sub.enabled = False  # the reference data changed under it: stop, don't loop
            continue
        seen = set(sub.seen or [])
        new = [str(i) for i in found if str(i) not in seen]
        if new:
            events.emit(
                session,
                EventType.search_new_hits,
                case_id=None,
                data={
                    "subscription_id": str(sub.id),
                    "search": sub.search.get("name") or sub.search.get("q") or "",
                    "hits": new[:HITS_SHOWN],
                },
                now=now,
            )
            sub.seen = ([*new, *(sub.seen or [])])[:SEEN_CAP]
    return done


def send_digests(session: Session, now: datetime, *, settings: Settings, keyring: Keyring) -> int:
    """Mail each user the notifications whose rate is due: at once, or one digest a day or a
    week. Returns how many mails were queued."""
    sent = 0
    for user_id, rate in repo.pending_digests(session):
        last = repo.last_digest(session, user_id, rate)
        if rate is not Rate.immediate and last is not None and now - last < PERIOD[rate]:
            continue
        rows = repo.claim_undigested(session, user_id, rate)
        if not rows:
            continue
        for n in rows:
            n.digested_at = now
        mail = _digest(session, user_id, rate, rows, now, settings=settings, keyring=keyring)
        if mail is not None:
            enqueue_mail(session, mail, now=now)
            sent += 1
    return sent


def _digest(
    session: Session,
    user_id: uuid.UUID,
    rate: Rate,
    rows: list[Notification],
    now: datetime,
    *,
    settings: Settings,
    keyring: Keyring,
) -> Mail | None:
    user = auth_repository.user_by_id(session, user_id)
    principal = auth_service.principal_of(session, user_id, now)
    if user is None or principal is None:
        return None
    readable = case_repo.titles(session, principal, (n.case_id for n in rows if n.case_id))
    # What the user may still read now, not only when it happened.
    kept = [n for n in rows if n.case_id is None or n.case_id in readable]
    if not kept:
        return None
    subs = {n.subscription_id for n in kept if n.subscription_id}
    languages = [s.language for s in repo.subscriptions_of(session, user_id) if s.id in subs]
    language = languages[0] if languages else "en"
    base = settings.public_url.rstrip("/")
    items = [
        (n.type, n.data, f"{base}/cases/{n.case_id}" if n.case_id else f"{base}/notifications")
        for n in kept
    ]
    links = [f"{base}/unsubscribe?token={unsubscribe_token(keyring, s)}" for s in sorted(subs)]
    subject, text, html = messages.digest(
        rate.value, language, items, links, f"{base}/subscriptions"
    )
    headers: tuple[tuple[str, str], ...] = ()
    if len(links) == 1:  # RFC 8058 one-click unsubscribe, where the mail has one source
        headers = (
            ("List-Unsubscribe", f"<{links[0]}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        )
    return Mail(to=user.email, subject=subject, body=text, html=html, headers=headers)
