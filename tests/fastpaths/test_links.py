"""The layout's links: remembered, and still what url_for builds."""
from __future__ import annotations

from quart import url_for

from quartauth.fastpaths.links import link_to


async def test_links_are_what_url_for_builds(app):
    for root_path in ("", "/mounted"):
        async with app.test_request_context("/", root_path=root_path):
            for endpoint, values in [("core.home", {}), ("auth.login", {"next": "/account?tab=1"}), ("static", {"filename": "style.css"})]:
                assert link_to(endpoint, **values) == url_for(endpoint, **values)
                assert link_to(endpoint, **values) == url_for(endpoint, **values)  # remembered


async def test_links_with_a_scheme_or_an_unhashable_value_are_built_each_time(app):
    async with app.test_request_context("/"):
        assert link_to("core.home", _external=True) == "http://localhost/"
        assert link_to("core.home", tag=["a", "b"]) == url_for("core.home", tag=["a", "b"])


async def test_templates_build_their_links_through_the_fast_path(app):
    assert app.jinja_env.globals["url_for"] is link_to
