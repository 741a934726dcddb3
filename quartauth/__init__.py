"""quartauth: email and password sign-in, on Quart and plain SQL."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from inspect import iscoroutinefunction
from typing import Any, cast

from quart import Quart
from quart_wtf import CSRFProtect

from . import auth, extensions, security, templating
from .blueprints import account, accounts, core, errors
from .config import load_config
from .db import connect, migrations
from .services.passwords import PasswordHasher
from .signing import SessionCookies


class SchemaOutOfDate(RuntimeError):
    pass


def create_app(test_config: Mapping[str, Any] | None = None) -> Quart:
    """Build the app. ``test_config`` replaces the environment and ``.env`` where it speaks."""
    config = load_config(test_config)
    app = Quart(__name__, instance_path=str(config["INSTANCE_PATH"]))
    app.session_interface = SessionCookies()
    app.config.from_mapping(config)

    pool_size = config["DATABASE_POOL_SIZE"]
    database = connect(config["DATABASE_URL"], **({"pool_size": pool_size} if pool_size else {}))
    hasher = PasswordHasher(rounds=config["BCRYPT_ROUNDS"], threads=config["HASH_THREADS"])
    extensions.install(app, database, hasher)

    CSRFProtect(app)
    templating.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    app.register_blueprint(accounts.blueprint)
    app.register_blueprint(core.blueprint)
    app.register_blueprint(account.blueprint)
    app.register_blueprint(errors.blueprint)
    _run_context_processors_inline(app)

    @app.before_serving
    async def start() -> None:
        await hasher.prepare()
        await database.open()
        pending = (await migrations.status(database)).pending
        if pending:
            await database.close()
            names = ", ".join(migration.label for migration in pending)
            raise SchemaOutOfDate(f"The database schema is out of date; run `quartauth migrate` (pending: {names}).")

    @app.after_serving
    async def stop() -> None:
        await database.close()
        hasher.close()

    return app


def _run_context_processors_inline(app: Quart) -> None:
    """Quart runs a plain-function context processor in a worker thread, and quart-auth and
    the CSRF extension each register one that only returns a dict: the thread hop cost more
    than the call, on every page. Wrapped as coroutines, they run on the event loop."""

    def inline(processor: Callable[[], dict[str, Any]]) -> Callable[[], Any]:
        async def run() -> dict[str, Any]:
            return processor()

        return run

    for processors in app.template_context_processors.values():
        processors[:] = [
            processor if iscoroutinefunction(processor) else inline(cast(Callable[[], dict[str, Any]], processor))
            for processor in processors
        ]
