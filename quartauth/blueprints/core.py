"""The pages the product protects, and the health check load balancers ask."""
from __future__ import annotations

from quart import Blueprint
from quart.typing import ResponseReturnValue

from .. import extensions
from ..db import DatabaseUnavailable
from ..fastpaths.rendering import render
from ..repository.health import database_answers
from ..services.sessions import SignedIn
from ..signed_in import signed_in_required

blueprint = Blueprint("core", __name__)


@blueprint.get("/")
@signed_in_required
async def home(signed_in: SignedIn) -> ResponseReturnValue:
    return await render("core/home.html", signed_in=signed_in)


@blueprint.get("/healthz")
async def healthz() -> ResponseReturnValue:
    try:
        await database_answers(extensions.database())
    except DatabaseUnavailable:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
