"""The mails that membership changes send, as templates with parameters (never built from ids
or concatenated sentences), so that they can be translated."""

from __future__ import annotations

from string import Template

from app.outbox.mail import Mail

SUBJECTS = {
    "invitation": Template("Invitation to join $organisation on Comity"),
    "joined": Template("You joined $organisation on Comity"),
    "role_changed": Template("Your role in $organisation changed"),
    "removed": Template("You were removed from $organisation"),
    "support_granted": Template("Support access to $organisation"),
    "support_revoked": Template("Support access to $organisation ended"),
}

BODIES = {
    "invitation": Template(
        "$inviter invites you to join $organisation on Comity as $role.\n\n"
        "To accept, send this token to $accept_url within $days days:\n\n"
        "    $token\n\n"
        "Accepting proves that you receive mail at this address. If you already have a Comity "
        "account, log in first or give its password when you accept. If you did not expect "
        "this invitation, ignore it: nothing happens until you accept."
    ),
    "joined": Template("You are now a member of $organisation on Comity, as $role."),
    "role_changed": Template(
        "$actor changed your role in $organisation from $before to $after. "
        "You need to log in again."
    ),
    "removed": Template(
        "$actor removed you from $organisation on Comity. "
        "If this is a mistake, ask one of its admins."
    ),
    "support_granted": Template(
        "$actor gave you support access to $organisation as $role until $expires "
        "(UTC). Reason given: $reason"
    ),
    "support_revoked": Template("$actor ended your support access to $organisation."),
}


def compose(kind: str, to: str, **values: str) -> Mail:
    return Mail(
        to=to,
        subject=SUBJECTS[kind].substitute(values),
        body=BODIES[kind].substitute(values),
    )
