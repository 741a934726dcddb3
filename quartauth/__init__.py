"""quartauth: email and password sign-in, on Quart and plain SQL."""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from quart import Quart

from . import app_objects, csrf, fastpaths, login_line, moments, security, signed_in, site, static_files
from .proxies import TrustedProxies
from .websockets import RefuseWebSockets
from .blueprints import account, admin, api, auth, core, email, errors
from .config import load_config
from .db import connect, migrations
from .services import browsers
from .services.passwords import PasswordHasher
from .services.two_step import CODE_HINT

try:
    __version__ = version("quartauth")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"


class SchemaOutOfDate(RuntimeError):
    pass


def create_app(test_config: Mapping[str, Any] | None = None) -> Quart:
    """Build the app. ``test_config`` replaces the environment and ``.env`` where it speaks."""
    config = load_config(test_config)
    app = Quart(__name__, instance_path=str(config["INSTANCE_PATH"]))
    app.config.from_mapping(config)

    pool_size = config["DATABASE_POOL_SIZE"]
    database = connect(config["DATABASE_URL"], **({"pool_size": pool_size} if pool_size else {}))
    hasher = PasswordHasher(rounds=config["BCRYPT_ROUNDS"], threads=config["HASH_THREADS"])
    objects = app_objects.install(app, database, hasher)

    app.asgi_app = RefuseWebSockets(TrustedProxies(app.asgi_app, config["TRUSTED_PROXIES"]))  # type: ignore[method-assign,assignment]
    site.init_app(app)  # first: a forged Host or plain HTTP goes no further
    site.warn_at_start_up(config)
    login_line.init_app(app, hasher.admission)  # before the CSRF check: a flood waits before its forms are read
    csrf.init_app(app, header_checked=api.blueprint)
    signed_in.init_app(app)
    security.init_app(app)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(core.blueprint)
    app.register_blueprint(account.blueprint)
    app.register_blueprint(email.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(errors.blueprint)
    static_files.init_app(app)
    app.add_template_global(moments.time_element, "when")
    app.add_template_global(config["SITE_NAME"], "site_name")
    app.add_template_global(CODE_HINT, "code_hint")
    fastpaths.install(app)

    @app.before_serving
    async def start() -> None:
        await hasher.prepare()
        await asyncio.to_thread(browsers.warm_up)
        await database.open()
        pending = (await migrations.status(database)).pending
        if pending:
            await database.close()
            names = ", ".join(migration.label for migration in pending)
            raise SchemaOutOfDate(f"The database schema is out of date; run `quartauth migrate` (pending: {names}).")
        if delivery := objects.delivery:
            delivery.start()

    @app.after_serving
    async def stop() -> None:
        if delivery := objects.delivery:
            await delivery.stop()
        await database.close()
        hasher.close()

    return app
