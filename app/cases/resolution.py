"""Which case a cited number means, from where the citation stands.

Each forum numbers its own communications, applications and petitions, and one matter has
several decisions (admissibility, merits, follow-up). So a citation is read in this order:

- a number with a forum marker ("CAT communication No. 199/2002", "CCPR/C/...") means a
  decision of that forum, or none;
- a bare number in a decision of forum F means a decision of F; decisions of other forums
  with that number are offered as candidates, never picked;
- decisions of one proceeding are one matter: the citation resolves to the one that stands
  as its authority (the merits first, then the latest);
- anything else that remains several stays ambiguous.

Pure: callers load the targets and say where the citation stands.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.cases.models import AUTHORITY_ORDER, DecisionType

__all__ = ["Target", "authority", "choose"]


@dataclass(frozen=True, slots=True)
class Target:
    case_id: uuid.UUID
    forum_id: str
    proceeding_id: uuid.UUID | None
    decision_type: DecisionType
    decided_on: date | None

    @property
    def matter(self) -> uuid.UUID:
        return self.proceeding_id or self.case_id


def authority(targets: Sequence[Target]) -> Target:
    """The decision that stands for its proceeding: by decision type, then the latest."""
    return min(
        targets,
        key=lambda t: (
            AUTHORITY_ORDER.index(t.decision_type),
            -(t.decided_on.toordinal() if t.decided_on else 0),
            str(t.case_id),
        ),
    )


def choose(
    targets: Sequence[Target], *, citing_forum: str | None, forum_hint: str | None
) -> tuple[Target | None, list[Target]]:
    """(the case the citation resolves to, or None; the candidates when it does not)."""
    if forum_hint:
        targets = [t for t in targets if t.forum_id == forum_hint]
    elif citing_forum and targets:
        own = [t for t in targets if t.forum_id == citing_forum]
        if not own:
            # Another forum's decision with the same number: shown, never chosen.
            return None, list(targets)
        targets = own
    if targets and len({t.matter for t in targets}) == 1:
        return authority(targets), []
    return None, list(targets)
