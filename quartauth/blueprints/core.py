"""The pages the product protects, and the health check load balancers ask."""
from __future__ import annotations

from quart import Blueprint
from quart.typing import ResponseReturnValue

from ..app_objects import app_objects
from ..fastpaths.rendering import render
from ..services.health import database_is_up
from ..services.sessions import SignedIn
from ..services.two_step import FEW_RECOVERY_CODES
from ..signed_in import signed_in_required

blueprint = Blueprint("core", __name__)


@blueprint.get("/")
@signed_in_required
async def home(signed_in: SignedIn) -> ResponseReturnValue:
    recovery_codes_left = None
    if signed_in.user.has_two_step:
        recovery_codes_left = await app_objects().two_step.recovery_codes_left(signed_in.user.id)
    return await render(
        "core/home.html", signed_in=signed_in, recovery_codes_left=recovery_codes_left, few_recovery_codes=FEW_RECOVERY_CODES
    )


@blueprint.get("/healthz")
async def healthz() -> ResponseReturnValue:
    if not await database_is_up(app_objects().database):
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
