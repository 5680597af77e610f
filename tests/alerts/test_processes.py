"""The outbox with real `comity worker` processes against committed data: a worker killed
mid-batch loses nothing, two workers never deliver one event twice, a receiver that fails
or hangs is retried on schedule and then disabled, and a change that rolls back emits
nothing."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.models import UserAccount
from app.cases import service as case_service
from app.cases.models import LegalCase, UpdateKind
from app.cases.schemas import UpdateCreate
from app.core.crypto import Keyring
from app.core.time import utcnow
from app.orgs.models import Membership, Organisation, Role
from app.outbox import events
from app.outbox.models import OutboxMessage
from app.webhooks import signing
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.alerts.helpers import Receiver, serve_receiver
from tests.conftest import TEST_DATA_KEY, TEST_SECRET
from tests.factories import make_case, make_org, make_user

COMITY = str(Path(sys.executable).parent / "comity")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve_receiver(Receiver(delay=0.02))


class Tenant:
    """An organisation with a case and a webhook, committed, and removed afterwards."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        with Session(engine, expire_on_commit=False) as s:
            self.first_message = s.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
            org = make_org(s)
            self.admin = make_user(s, member_of=org, role=Role.admin)
            self.case = make_case(s, org=org)
            endpoint_id = uuid.uuid4()
            s.add(
                WebhookEndpoint(
                    id=endpoint_id,
                    organisation_id=org.id,
                    url=url,
                    events=["case.updated"],
                    secret=Keyring.parse(TEST_DATA_KEY).encrypt(
                        signing.new_secret().encode(), b"webhook:" + endpoint_id.bytes
                    ),
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
            s.commit()
        self.org_id, self.endpoint_id = org.id, endpoint_id

    def emit(self, n: int) -> list[str]:
        """n events, committed; their ids."""
        with Session(self.engine) as s:
            for i in range(n):
                events.emit(
                    s,
                    events.EventType.case_updated,
                    case_id=self.case.id,
                    data={"fields": [f"n{i}"]},
                    now=utcnow(),
                )
            s.commit()
            rows = s.scalars(
                select(OutboxMessage.payload).where(
                    OutboxMessage.id > self.first_message, OutboxMessage.topic == "event"
                )
            )
            return [p["id"] for p in rows]

    def deliveries(self) -> list[WebhookDelivery]:
        with Session(self.engine) as s:
            return list(
                s.scalars(
                    select(WebhookDelivery).where(WebhookDelivery.endpoint_id == self.endpoint_id)
                )
            )

    def endpoint(self) -> WebhookEndpoint:
        with Session(self.engine) as s:
            found = s.get(WebhookEndpoint, self.endpoint_id)
            assert found is not None
            return found

    def remove(self) -> None:
        with Session(self.engine) as s:
            s.execute(delete(OutboxMessage).where(OutboxMessage.id > self.first_message))
            s.execute(delete(LegalCase).where(LegalCase.owner_org_id == self.org_id))
            s.execute(delete(Membership).where(Membership.organisation_id == self.org_id))
            s.execute(delete(Organisation).where(Organisation.id == self.org_id))
            s.execute(delete(UserAccount).where(UserAccount.id == self.admin.id))
            s.commit()


@pytest.fixture
def tenant(engine: Engine, receiver: Receiver) -> Iterator[Tenant]:
    t = Tenant(engine, receiver.url)
    yield t
    t.remove()


@pytest.fixture
def start_worker(
    database_url: str, tmp_path: Path
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, **env: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "COMITY_DATABASE_URL": database_url,
            "COMITY_DATA_KEY": TEST_DATA_KEY,
            "COMITY_SECRET_KEY": TEST_SECRET,
            "COMITY_DATA_DIR": str(tmp_path),
            "COMITY_WEBHOOK_ALLOW_PRIVATE": "true",
            "COMITY_LOG_LEVEL": "WARNING",
            **env,
        }
        process = subprocess.Popen(  # noqa: S603 (our own CLI)
            [COMITY, "worker", *args], env=environment, stdout=subprocess.DEVNULL
        )
        started.append(process)
        return process

    yield start
    for p in started:
        if p.poll() is None:
            p.kill()
        p.wait(10)


def _wait(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_worker_killed_mid_batch_loses_nothing(
    tenant: Tenant, receiver: Receiver, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    ids = tenant.emit(120)
    worker = start_worker()
    _wait(lambda: len(receiver.received) >= 10)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    assert len(receiver.unique_ids()) < len(ids)  # it died mid-way

    start_worker("--once").wait(120)

    assert receiver.unique_ids() == sorted(ids)  # each event, once after de-duplication
    assert {d.status for d in tenant.deliveries()} == {DeliveryStatus.delivered}


def test_two_workers_never_deliver_one_event_twice(
    tenant: Tenant, receiver: Receiver, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    ids = tenant.emit(80)
    workers = [start_worker("--once"), start_worker("--once")]
    for w in workers:
        assert w.wait(120) == 0

    sent = [r.headers["webhook-id"] for r in receiver.received]
    assert sorted(sent) == sorted(ids)  # all, and none twice


def test_a_hanging_receiver_is_retried_on_schedule_then_disabled(
    tenant: Tenant, receiver: Receiver, start_worker: Callable[..., subprocess.Popen[bytes]]
) -> None:
    receiver.delay = 2.0
    tenant.emit(1)
    start_worker(
        COMITY_WEBHOOK_TIMEOUT_SECONDS="0.3",
        COMITY_WEBHOOK_DISABLE_AFTER="3",
        COMITY_OUTBOX_RETRY_SECONDS="0.5",
    )
    _wait(lambda: tenant.endpoint().disabled_at is not None, seconds=30)

    [delivery] = tenant.deliveries()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.failed, 3)
    assert "timed out" in (delivery.last_error or "")
    arrivals = [r.at for r in receiver.received]
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert len(arrivals) == 3
    # Retries 0.5 s, then 1 s after each attempt began (each attempt waits out the timeout).
    assert 0.5 <= gaps[0] < gaps[1] and gaps[1] >= 1.0


def test_a_change_that_rolls_back_emits_nothing(
    engine: Engine,
    tenant: Tenant,
    receiver: Receiver,
    start_worker: Callable[..., subprocess.Popen[bytes]],
) -> None:
    with Session(engine) as s:
        admin = auth_service.principal_of(s, tenant.admin.id, utcnow())
        assert admin is not None
        case_service.add_update(
            s,
            admin,
            tenant.case.id,
            UpdateCreate(kind=UpdateKind.hearing, occurred_on=utcnow().date(), summary="x"),
            now=utcnow(),
        )
        s.rollback()
    assert start_worker("--once").wait(60) == 0
    assert receiver.received == []
    with Session(engine) as s:
        queued = s.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.id > tenant.first_message)
        )
        assert list(queued) == []
