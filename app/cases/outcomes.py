"""Deriving a case's overall outcome for the applicant from its claims' findings."""

from __future__ import annotations

from collections.abc import Iterable

from app.cases.models import ADVERSE_FINDINGS, FAVOURABLE_FINDINGS, Finding, Outcome


def derive_outcome(findings: Iterable[Finding]) -> Outcome:
    """Win if every decided claim went the applicant's way, loss if none did, partial if
    mixed; pending while nothing is decided; settled or inadmissible when that is all there is."""
    found = list(findings)
    favourable = [f for f in found if f in FAVOURABLE_FINDINGS]
    adverse = [f for f in found if f in ADVERSE_FINDINGS]
    if favourable and adverse:
        return Outcome.partial
    if favourable:
        return Outcome.win
    if adverse:
        return (
            Outcome.inadmissible
            if all(f is Finding.inadmissible for f in adverse)
            else Outcome.loss
        )
    if found and all(f is Finding.settled for f in found):
        return Outcome.settled
    return Outcome.pending
