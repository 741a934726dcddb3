"""The pages a mailed link leads to, shared by the blueprints whose links they are: one
button that does what the link is for (opening a link changes nothing), or word that the
link is dead and where to ask for another."""
from __future__ import annotations

from quart.typing import ResponseReturnValue

from .fastpaths.rendering import render
from .forms import ButtonForm


async def button_page(*, heading: str, message: str, button: str, action: str) -> ResponseReturnValue:
    form = await ButtonForm.create_form()
    return await render("links/button.html", heading=heading, message=message, button=button, action=action, form=form)


async def dead_link_page(message: str, again: str, status: int = 410) -> ResponseReturnValue:
    """``again``: where to ask for a new link."""
    return await render("links/dead.html", message=message, again=again), status
