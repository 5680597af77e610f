"""Standard Webhooks signatures: the specification's own test vector, rotation, tampering."""

from __future__ import annotations

import pytest

from app.webhooks import signing

# From the Standard Webhooks reference libraries' tests.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'


def test_the_specifications_test_vector() -> None:
    assert (
        signing.sign(SECRET, MSG_ID, TIMESTAMP, BODY)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_receiver_accepts_either_secret_during_a_rotation() -> None:
    new = signing.new_secret()
    headers = signing.headers([new, SECRET], MSG_ID, TIMESTAMP, BODY)
    assert len(headers["webhook-signature"].split()) == 2
    signing.verify(SECRET, headers, BODY, now=TIMESTAMP)
    signing.verify(new, headers, BODY, now=TIMESTAMP + 60)


@pytest.mark.parametrize(
    ("body", "now", "secret"),
    [
        (b'{"test": 2432232315}', TIMESTAMP, SECRET),  # the body changed
        (BODY, TIMESTAMP + 3600, SECRET),  # replayed an hour later
        (BODY, TIMESTAMP, "whsec_" + "A" * 44),  # another endpoint's secret
    ],
)
def test_a_changed_body_an_old_timestamp_or_another_secret_fail(
    body: bytes, now: int, secret: str
) -> None:
    headers = signing.headers([SECRET], MSG_ID, TIMESTAMP, BODY)
    with pytest.raises(signing.SignatureError):
        signing.verify(secret, headers, body, now=now)


def test_new_secrets_are_prefixed_random_and_long() -> None:
    a, b = signing.new_secret(), signing.new_secret()
    assert a.startswith("whsec_") and a != b and len(a) >= 6 + 44
