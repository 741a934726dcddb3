"""The signed-in person's own account: who they are and this sign-in."""
from __future__ import annotations

from quart import Blueprint
from quart.typing import ResponseReturnValue
from quart_auth import login_required

from ...auth import current_visitor
from ...templating import render

blueprint = Blueprint("account", __name__, template_folder="templates")


@blueprint.get("/account")
@login_required
async def overview() -> ResponseReturnValue:
    live = current_visitor().live
    assert live is not None
    return await render("account/overview.html", user=live.user, session=live.session)
