"""``url_for`` in templates, remembered for relative links.

Replaces: the layout builds six links on every page, and Werkzeug's URL building was a fifth
of the rendering time. A relative link depends only on where the app is mounted, the
endpoint and its values, so it is built once and kept.

Assumes (checked by tests/fastpaths/test_links.py): ``url_for`` without ``_external`` or
``_scheme`` gives a link that depends on nothing else of the request; Quart looks
``url_for`` up in ``app.jinja_env.globals``.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from quart import Quart, request, url_for

LINKS_KEPT = 1024


def install(app: Quart) -> None:
    app.jinja_env.globals["url_for"] = link_to


def link_to(endpoint: str, **values: Any) -> str:
    if not values and not endpoint.startswith("."):  # most links: a page without values
        return _relative_link(request.root_path, endpoint, ())
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)  # depends on the request's blueprint or scheme
    try:
        return _relative_link(request.root_path, endpoint, tuple(sorted(values.items())))
    except TypeError:  # a value that cannot be a key, such as a list
        return url_for(endpoint, **values)


@lru_cache(maxsize=LINKS_KEPT)
def _relative_link(root_path: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))
