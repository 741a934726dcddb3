"""render(): Jinja's plain mode gives what Quart's async rendering gives, signals included."""
from __future__ import annotations

from quart import render_template
from quart.signals import before_render_template, template_rendered

from quartauth.fastpaths.rendering import render

CONTEXT = {"status": 404, "title": "Not found", "explanation": "No page <here>."}


async def test_pages_render_as_quarts_async_templates_do(app):
    async with app.test_request_context("/missing"):
        await app.preprocess_request()
        plain = await render("errors/error.html", **CONTEXT)
        assert plain == await render_template("errors/error.html", **CONTEXT)
    assert "No page &lt;here&gt;." in plain  # still autoescaped


async def test_quarts_template_signals_are_sent(app):
    heard = []

    async def before(sender, template, context):  # type: ignore[no-untyped-def]
        heard.append(("before", template.name, context["status"]))

    async def after(sender, template, context):  # type: ignore[no-untyped-def]
        heard.append(("rendered", template.name, context["status"]))

    with before_render_template.connected_to(before, app), template_rendered.connected_to(after, app):
        async with app.test_request_context("/missing"):
            await app.preprocess_request()
            await render("errors/error.html", **CONTEXT)

    assert heard == [("before", "errors/error.html", 404), ("rendered", "errors/error.html", 404)]
