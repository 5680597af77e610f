"""HTTP endpoints for search and autocomplete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.dependencies import PrincipalDep
from app.db import SessionDep
from app.errors import problem_responses
from app.search import service
from app.search.schemas import SearchQuery, SearchResults, Suggestion, SuggestQuery

router = APIRouter(prefix="/api/v1/search", tags=["search"])


@router.get("", response_model=SearchResults, responses=problem_responses(422))
def search(
    query: Annotated[SearchQuery, Query()], session: SessionDep, principal: PrincipalDep
) -> SearchResults:
    """Search the cases you may read by words and legal basis, with facet counts."""
    return service.search(session, principal, query)


@router.get("/suggest", response_model=list[Suggestion], responses=problem_responses(422))
def suggest(
    query: Annotated[SuggestQuery, Query()], session: SessionDep, principal: PrincipalDep
) -> list[Suggestion]:
    """Titles and party pseudonyms as you type, tolerant of typos (`hirsy` finds Hirsi)."""
    return service.suggest(session, principal, query)
