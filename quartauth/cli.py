"""The ``quartauth`` command: ``migrate``, ``serve``, ``prune``, ``send-mail``, ``create-admin`` and ``users``."""
from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, logs, moments, serving, site
from .app_objects import mail_transport
from .config import SERVED_URL_VARIABLE, ConfigError, load_config
from .db import Database, DatabaseUnavailable, connect, migrations
from .services import admin, delivery, passkeys, password_policy, security_log, sessions, sign_in_flow, sign_ups, throttle, tokens, two_step, users
from .services.emails import InvalidEmail, normalize_email
from .repository.users import User
from .services.breaches import BreachedPasswords
from .services.mail import Mailer, notices_on
from .services.passwords import PasswordHasher
from .services.passkeys import Passkeys
from .services.two_step import TwoStep
from .services.two_step_codes import KeyBox


@click.group()
@click.version_option(__version__, prog_name="quartauth")
def main() -> None:
    """Serve quartauth and manage its database and users (settings as for the app: env and .env)."""


@main.command()
@click.option("--status", is_flag=True, help="List applied and pending migrations; change nothing.")
def migrate(status: bool) -> None:
    """Apply the migrations not yet applied, each in its own transaction."""
    _run_with_database(_show_status if status else _apply_migrations)


@main.command()
def prune() -> None:
    """Delete ended sessions (past their latest end or idle too long), the counts of failed
    logins and sign-ups that no limit looks at any more, security log events older than
    AUDIT_RETENTION_DAYS, expired mailed links, sign-ins whose second step never came,
    expired trusted browsers, passkey challenges never answered, and mail delivered more than OUTBOX_RETENTION_DAYS ago.

    Sign-ins sweep their own user's ended sessions already; this is for a timer that wants
    the tables tidy, for example daily.
    """

    async def delete(database: Database) -> None:
        await _require_current_schema(database)
        now, config = sessions.utc_now(), load_config()
        removed = await sessions.prune(database, now)
        click.echo(f"Deleted {_counted(removed, 'ended session')}.")
        forgotten = await throttle.prune(database, now)
        click.echo(f"Deleted {_counted(forgotten, 'old count')} of failed logins and sign-ups.")
        retention = timedelta(days=config["AUDIT_RETENTION_DAYS"])
        expired = await security_log.prune(database, now, retention)
        click.echo(f"Deleted {_counted(expired, 'security log event')} older than {retention.days} days.")
        links = await tokens.prune(database, now) + await sign_ups.prune(database, now)
        click.echo(f"Deleted {_counted(links, 'expired link')}.")
        unfinished = await sign_in_flow.prune(database, now)
        click.echo(f"Deleted {_counted(unfinished, 'sign-in')} that never had its second step.")
        trust = await two_step.prune(database, now)
        click.echo(f"Deleted {_counted(trust, 'expired trusted browser')}.")
        challenges = await passkeys.prune(database, now)
        click.echo(f"Deleted {_counted(challenges, 'passkey challenge')} never answered.")
        kept = timedelta(days=config["OUTBOX_RETENTION_DAYS"])
        sent = await delivery.prune(database, now, kept)
        click.echo(f"Deleted {_counted(sent, 'message')} delivered more than {kept.days} days ago.")

    _run_with_database(delete)


@main.command("send-mail")
def send_mail() -> None:
    """Deliver the mail waiting in the outbox once, and exit: for deployments that prefer a
    separate job to the delivery task each app process runs. Exits 1 when the mail server
    could not take everything."""
    config = load_config()
    transport = mail_transport({**config, "TESTING": False})

    async def deliver(database: Database) -> None:
        await _require_current_schema(database)
        sent = await delivery.deliver_due(database, transport, config["MAIL_FROM"], sessions.utc_now())
        click.echo(f"Delivered {_counted(sent, 'message')}.")
        waiting = await delivery.waiting(database)
        if waiting:
            raise click.ClickException(f"{_counted(waiting, 'message')} could not be delivered yet: they wait in the outbox.")

    _run_with_database(deliver)


@main.command()
@click.option("--bind", "-b", "binds", multiple=True, metavar="HOST:PORT", help="Where to listen (repeatable); default: the config file's, 127.0.0.1:5000.")
@click.option("--workers", "-w", type=int, help="Worker processes; default: the config file's, 2.")
@click.option("--worker-bind", metavar="HOST:FIRST_PORT", help="Also give each worker an address of its own, for a proxy to balance across: 127.0.0.1:5101 gives 5101, 5102, ...; or unix:/run/quartauth/worker-{n}.sock.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=serving.DEFAULT_CONFIG, show_default="the shipped hypercorn.toml", help="hypercorn settings (TOML).")
@click.option("--app", default=serving.DEFAULT_APP, show_default=True, help="The ASGI app to serve.")
def serve(binds: tuple[str, ...], workers: int | None, worker_bind: str | None, config_file: Path, app: str) -> None:
    """Serve the app with hypercorn: uvloop, each worker on a socket of its own.

    A port already in use is an error. Settings come from the environment (and .env), as for
    every command; run `quartauth migrate` first.
    """
    try:
        plan = serving.plan(config_file, app=app, binds=binds, workers=workers, worker_bind=worker_bind)
        logs.configure(plan.config)
        # Without PUBLIC_URL, mailed links point where this server listens (config.py).
        if (served := serving.served_url(plan)) is not None:
            os.environ[SERVED_URL_VARIABLE] = served
        # Bad settings and a schema behind the code stop here, once, not in every worker.
        site.warn_at_start_up(load_config())
        _run_with_database(_require_current_schema)
        sys.exit(serving.serve(plan))
    except (ConfigError, serving.ServeError, logs.LogLevelError) as error:
        _fail(str(error))


@main.command("create-admin")
@click.option("--email", help="The admin's email; asked for when left out.")
def create_admin(email: str | None) -> None:
    """Create an administrator account.

    The password is asked for twice without echo; when standard input is not a terminal it
    is read from there instead: a line with the password, optionally a second to confirm it.
    """
    answers = _Answers()
    email_from_input = email is None
    if email is None:
        email = answers.ask("Email", missing="an email is required: pass --email, or give it as the first line")
    try:
        normalized = normalize_email(email)
    except InvalidEmail as error:
        # What was typed is not repeated: piped without --email, it may be a password.
        hint = " (without --email, the first line is taken as the email)" if email_from_input else ""
        _fail(f"{error}{hint}")
    password = answers.ask("Password", secret=True)
    confirmation = answers.ask_optional("Repeat password", secret=True)
    if confirmation is not None and confirmation != password:
        _fail(password_policy.MISMATCH_MESSAGE)
    config = load_config()
    breaches = BreachedPasswords(config["PWNED_PASSWORDS_URL"]) if config["BREACHED_PASSWORD_CHECK"] else None
    problem = asyncio.run(password_policy.new_password_problem(password, email=normalized, breaches=breaches, site_name=config["SITE_NAME"]))
    if problem:
        _fail(problem)

    async def create(database: Database) -> None:
        await _require_current_schema(database)
        hasher = PasswordHasher(rounds=config["BCRYPT_ROUNDS"], threads=1)
        try:
            await users.register(database, hasher, email=normalized, password=password, is_admin=True)
        except users.EmailTaken:
            _fail(users.EMAIL_TAKEN_MESSAGE)
        finally:
            hasher.close()
        click.echo(f"Admin {normalized} created.")

    _run_with_database(create)


@main.group("users")
def users_group() -> None:
    """List users, and disable, enable, promote, demote one or reset their two-step sign-in:
    for when no admin can sign in."""


@users_group.command("list")
@click.option("--search", metavar="PREFIX", default="", help="Only users whose email starts with PREFIX, in email order.")
def list_users(search: str) -> None:
    """Every user, newest first (or the matches of --search), one a line."""

    async def show(database: Database) -> None:
        await _require_current_schema(database)
        now, start = sessions.utc_now(), None
        click.echo(f"{'id':>8}  {'email':<40}  {'created':<16}  {'last sign-in':<16}  sessions  admin  disabled")
        while True:
            try:
                page = await admin.user_page(database, search=search, start=start, now=now)
            except admin.InvalidSearch as error:
                _fail(str(error))
            for user in page.users:
                click.echo(
                    f"{user.id:>8}  {user.email:<40}  {_when(user.created_at):<16}  {_when(user.last_sign_in_at):<16}  "
                    f"{user.live_sessions:>8}  {_yes_no(user.is_admin):<5}  {_yes_no(user.is_disabled)}"
                )
            if page.next_start is None:
                return
            start = page.next_start

    _run_with_database(show)


def _when(moment: datetime | None) -> str:
    return moments.written(moment) if moment else "never"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _user_command(
    name: str,
    summary: str,
    done: str,
    change: Callable[[Database, User], Awaitable[object]],
    already: Callable[[User], str | None],
) -> None:
    """``quartauth users NAME EMAIL``: find the user, ``change`` them, and say they ``done``
    (or, when the change was made before, what ``already`` says, changing nothing)."""

    @users_group.command(name, help=f"{summary} (EMAIL: the user's email).")
    @click.argument("email")
    def command(email: str) -> None:
        try:
            normalized = normalize_email(email)
        except InvalidEmail as error:
            _fail(str(error))

        async def carry_out(database: Database) -> None:
            await _require_current_schema(database)
            try:
                user = await admin.user_by_email(database, normalized)
                if (was := already(user)) is not None:
                    click.echo(f"{normalized} {was}: nothing changed.")
                    return
                await change(database, user)
            except (admin.UnknownUser, admin.Refused) as error:
                _fail(str(error))
            click.echo(f"{normalized} {done}.")

        _run_with_database(carry_out)


_user_command(
    "disable",
    "Disable an account: it cannot log in, and its sessions end at once",
    "was disabled: it cannot log in, and its sessions were ended",
    lambda database, user: admin.disable(database, user.id, by=None, now=sessions.utc_now()),
    lambda user: "was disabled already" if user.is_disabled else None,
)
_user_command(
    "enable",
    "Enable a disabled account",
    "was enabled: it can log in again",
    lambda database, user: admin.enable(database, user.id),
    lambda user: None if user.is_disabled else "is not disabled",
)
_user_command(
    "make-admin",
    "Make a user an admin",
    "is now an admin",
    lambda database, user: admin.make_admin(database, user.id),
    lambda user: "is an admin already" if user.is_admin else None,
)
_user_command(
    "remove-admin",
    "Remove a user's admin rights (never the last admin who can sign in)",
    "is no longer an admin",
    lambda database, user: admin.remove_admin(database, user.id, by=None),
    lambda user: None if user.is_admin else "is not an admin",
)
_user_command(
    "reset-two-step",
    "Turn off a user's two-step sign-in, with its recovery codes and trusted browsers (the user is told by mail)",
    "had two-step sign-in reset: it logs in with its password alone until it is set up again",
    lambda database, user: _reset_two_step(database, user),
    lambda user: None if user.has_two_step else "does not have two-step sign-in on",
)


_user_command(
    "remove-passkeys",
    "Remove every passkey of a user (the user is told by mail, and logs in with the password)",
    "had its passkeys removed: it logs in with its password",
    lambda database, user: _remove_passkeys(database, user),
    lambda user: None,
)


async def _reset_two_step(database: Database, user: User) -> None:
    config, now = load_config(), sessions.utc_now()
    keys = TwoStep(database, KeyBox(config["SECRET_KEY"]), _mailer(config), issuer=config["SITE_NAME"])
    await admin.reset_two_step(database, keys, user.id, now)
    await _log_command(database, security_log.Event.TWO_STEP_RESET, user, "reset-two-step", now)


async def _remove_passkeys(database: Database, user: User) -> None:
    config, now = load_config(), sessions.utc_now()
    await admin.remove_passkeys(database, Passkeys(database, _mailer(config)), user.id, now)
    await _log_command(database, security_log.Event.PASSKEYS_REMOVED, user, "remove-passkeys", now)


def _mailer(config: dict[str, Any]) -> Mailer:
    return Mailer(public_url=config["LINK_URL"], notices=notices_on(config), site_name=config["SITE_NAME"])


async def _log_command(database: Database, event: security_log.Event, user: User, command: str, now: datetime) -> None:
    await security_log.record(
        database, event, now=now, where=security_log.Where(browser="the quartauth command"),
        user_id=user.id, email=user.email, detail={"by": f"quartauth users {command}"},
    )


class _Answers:
    """Answers from a person at a terminal, or line by line from a script's standard input."""

    def __init__(self) -> None:
        self.interactive = sys.stdin.isatty()
        self._lines: Iterator[str] | None = None

    def ask(self, prompt: str, *, secret: bool = False, missing: str | None = None) -> str:
        answer = self.ask_optional(prompt, secret=secret)
        if answer is None:
            _fail(missing or f"{prompt} is required (standard input ended).")
        return answer

    def ask_optional(self, prompt: str, *, secret: bool = False) -> str | None:
        """At a terminal every prompt is asked; from a script, a missing line is None."""
        if self.interactive:
            return str(click.prompt(prompt, hide_input=secret, default="", show_default=False))
        if self._lines is None:
            self._lines = iter(sys.stdin.read().splitlines())
        return next(self._lines, None)


async def _apply_migrations(database: Database) -> None:
    applied = await migrations.migrate(database)
    for migration in applied:
        click.echo(f"Applied {migration.label}.")
    if not applied:
        click.echo("Nothing to apply: the database is up to date.")


async def _show_status(database: Database) -> None:
    current = await migrations.status(database)
    for migration in current.applied:
        click.echo(f"applied  {migration.label}")
    for migration in current.pending:
        click.echo(f"pending  {migration.label}")


async def _require_current_schema(database: Database) -> None:
    if (await migrations.status(database)).pending:
        _fail("The database schema is out of date: run `quartauth migrate` first.")


def _run_with_database(action: Callable[[Database], Awaitable[None]]) -> None:
    try:
        database = connect(load_config()["DATABASE_URL"])
    except (ConfigError, ValueError) as error:
        _fail(str(error))

    async def run() -> None:
        await database.open()
        try:
            await action(database)
        finally:
            await database.close()

    try:
        asyncio.run(run())
    except DatabaseUnavailable as error:
        _fail(f"Cannot reach the database: {error}")


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _counted(number: int, noun: str) -> str:
    """"1 expired link", "2 expired links"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
