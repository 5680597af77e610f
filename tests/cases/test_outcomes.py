from __future__ import annotations

import pytest

from app.cases.models import Finding as F
from app.cases.models import Outcome
from app.cases.outcomes import derive_outcome


@pytest.mark.parametrize(
    ("findings", "outcome"),
    [
        ([], Outcome.pending),
        ([F.pending, F.pending], Outcome.pending),
        ([F.violation, F.upheld], Outcome.win),
        ([F.violation, F.no_violation], Outcome.partial),
        ([F.prospective_violation, F.not_examined], Outcome.win),
        ([F.no_violation, F.rejected], Outcome.loss),
        ([F.inadmissible, F.inadmissible], Outcome.inadmissible),
        ([F.inadmissible, F.no_violation], Outcome.loss),
        ([F.settled, F.settled], Outcome.settled),
        ([F.favourable, F.unfavourable], Outcome.partial),
        ([F.pending, F.violation], Outcome.win),
    ],
)
def test_outcome_follows_the_findings(findings: list[F], outcome: Outcome) -> None:
    assert derive_outcome(findings) is outcome
