"""The pages the product protects, and the health check load balancers ask."""
from __future__ import annotations

from quart import Blueprint
from quart.typing import ResponseReturnValue
from quart_auth import login_required

from .. import extensions
from ..auth import current_visitor
from ..db import DatabaseUnavailable
from ..templating import render

blueprint = Blueprint("core", __name__)


@blueprint.get("/")
@login_required
async def home() -> ResponseReturnValue:
    return await render("core/home.html", user=current_visitor().user)


@blueprint.get("/healthz")
async def healthz() -> ResponseReturnValue:
    try:
        await extensions.database().fetch_one("health/select_one")
    except DatabaseUnavailable:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}, 200
