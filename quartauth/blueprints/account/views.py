"""The signed-in person's own account: who they are, and their sessions."""
from __future__ import annotations

from quart import Blueprint, flash, redirect, url_for
from quart.typing import ResponseReturnValue

from ... import extensions
from ...fastpaths.rendering import render
from ...services import sessions
from ...services.sessions import SignedIn
from ...signed_in import signed_in_required

blueprint = Blueprint("account", __name__, template_folder="templates")

# A session id beyond BIGINT is nobody's: the route does not match it (404), so no database sees it.
MAX_ID = 2**63 - 1
ENDING_MESSAGES = {
    sessions.Ending.ENDED: ("That session was ended.", "success"),
    sessions.Ending.IN_USE: ("That is this browser's session: to end it, log out.", "info"),
    sessions.Ending.NOT_THEIRS: ("That session is not one of yours, or it has ended already.", "danger"),
}


@blueprint.get("/account")
@signed_in_required
async def overview(signed_in: SignedIn) -> ResponseReturnValue:
    live = await sessions.live_sessions(extensions.database(), signed_in, extensions.clock()())
    return await render("account/overview.html", signed_in=signed_in, sessions=live)


@blueprint.post(f"/account/sessions/<int(min=1, max={MAX_ID}):session_id>/end")
@signed_in_required
async def end_session(signed_in: SignedIn, session_id: int) -> ResponseReturnValue:
    ending = await sessions.end_other_session(extensions.database(), signed_in, session_id)
    await flash(*ENDING_MESSAGES[ending])
    return redirect(url_for("account.overview"))
