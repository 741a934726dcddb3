"""The signed-in person's own account: who they are and this sign-in."""
from __future__ import annotations

from quart import Blueprint
from quart.typing import ResponseReturnValue

from ...fastpaths.rendering import render
from ...services.sessions import SignedIn
from ...signed_in import signed_in_required

blueprint = Blueprint("account", __name__, template_folder="templates")


@blueprint.get("/account")
@signed_in_required
async def overview(signed_in: SignedIn) -> ResponseReturnValue:
    return await render("account/overview.html", signed_in=signed_in)
