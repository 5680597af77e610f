"""HTTP probes for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter

from app import __version__
from app.errors import problem_responses
from app.health import service
from app.health.schemas import Liveness, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Liveness)
def liveness() -> Liveness:
    """The process is alive."""
    return Liveness(version=__version__)


@router.get("/readyz", response_model=Readiness, responses=problem_responses(503))
def readiness() -> Readiness:
    """The database is reachable and its schema is at the head revision."""
    return service.check_readiness()
