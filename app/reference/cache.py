"""Reference facts kept in memory per process, for as long as the reference data is unchanged.

Every statement that writes a reference table moves `reference_revision` on (a trigger does
it, migration 0014), so a process reads that one number, and builds a value again only when
the number differs from the one its memory was built at. Processes share nothing but the
database: each API or worker process holds its own memory, and all of them see a write as
soon as it commits. Values must be immutable facts (tuples, frozen dataclasses, dicts that
nobody changes), never ORM objects, which belong to the session that loaded them.

```python
labels = cache.memo(session, ("labels",), build_labels)
```
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.reference.models import ReferenceRevision

__all__ = ["memo", "pinned", "revision"]

T = TypeVar("T")

_lock = threading.Lock()
_values: dict[Hashable, Any] = {}
_built_at: list[int | None] = [None]


_PINNED = "reference_revision_pinned"


def revision(session: Session) -> int | None:
    """The reference data's current revision, as this transaction sees it."""
    return session.scalar(select(ReferenceRevision.revision))


@contextmanager
def pinned(session: Session) -> Iterator[None]:
    """Within the block, the revision is read once, not at every `memo`: for read-only use
    cases such as matching, which would otherwise ask for it a dozen times a request."""
    session.info[_PINNED] = revision(session)
    try:
        yield
    finally:
        session.info.pop(_PINNED, None)


def memo(session: Session, key: Hashable, build: Callable[[Session], T]) -> T:
    """`build(session)`, computed once per process and reference revision."""
    current = session.info[_PINNED] if _PINNED in session.info else revision(session)
    with _lock:
        if _built_at[0] != current:
            _values.clear()
            _built_at[0] = current
        if key in _values:
            return _values[key]  # type: ignore[no-any-return]
    value = build(session)
    with _lock:
        # Kept only if no other thread saw a newer revision in the meantime.
        if _built_at[0] == current and current is not None:
            _values[key] = value
    return value
