"""Sign up, log in, log out."""
from __future__ import annotations

from urllib.parse import quote

from quart import Blueprint, current_app, flash, redirect, request, session, url_for
from quart.typing import ResponseReturnValue
from quart_auth import Unauthorized, login_required, login_user, logout_user

from ... import extensions
from ...auth import Visitor, current_visitor
from ...repository.users import User
from ...security import safe_redirect_target
from ...services import accounts, sessions
from ...templating import render
from .forms import LoginForm, LogoutForm, RegisterForm

blueprint = Blueprint("accounts", __name__, template_folder="templates")


@blueprint.route("/register", methods=["GET", "POST"])
async def register() -> ResponseReturnValue:
    if await current_visitor().is_authenticated:
        await flash("You are already registered.", "info")
        return redirect(url_for("core.home"))
    form = await RegisterForm.create_form()
    if await form.validate_on_submit():
        try:
            user = await accounts.register(
                extensions.database(),
                extensions.password_hasher(),
                email=form.email.data,
                password=form.password.data,
            )
        except accounts.EmailTaken:
            form.email.errors.append(accounts.EMAIL_TAKEN_MESSAGE)
        else:
            await _sign_in(user, remember=False)
            await flash("You registered and are now logged in. Welcome!", "success")
            return redirect(url_for("core.home"))
    return await render("accounts/register.html", form=form)


@blueprint.route("/login", methods=["GET", "POST"])
async def login() -> ResponseReturnValue:
    if await current_visitor().is_authenticated:
        await flash("You are already logged in.", "info")
        return redirect(url_for("core.home"))
    form = await LoginForm.create_form()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if await form.validate_on_submit():
        user = await accounts.authenticate(
            extensions.database(),
            extensions.password_hasher(),
            email=form.email.data,
            password=form.password.data,
        )
        if user is None:
            await flash("Invalid email and/or password.", "danger")
        else:
            await _sign_in(user, remember=form.remember.data)
            return redirect(safe_redirect_target(form.next.data or request.args.get("next")))
    return await render("accounts/login.html", form=form)


@blueprint.get("/logout")
@login_required
async def confirm_logout() -> ResponseReturnValue:
    return await render("accounts/logout.html", form=await LogoutForm.create_form())


@blueprint.post("/logout")
@login_required
async def logout() -> ResponseReturnValue:
    token = current_visitor().token
    assert token is not None
    await sessions.end_session(extensions.database(), token)
    logout_user()
    session.clear()
    await flash("You were logged out.", "info")
    return redirect(url_for("accounts.login"))


@blueprint.app_errorhandler(Unauthorized)
async def redirect_to_login(error: Unauthorized) -> ResponseReturnValue:
    await flash("Please log in to access this page.", "info")
    login_url = url_for("accounts.login")
    if request.method == "GET":
        login_url += "?next=" + quote(_requested_path(), safe="/")
    return redirect(login_url)


async def _sign_in(user: User, *, remember: bool) -> None:
    """Start a new server-side session and hand its token to the browser."""
    lifetime = current_app.config["REMEMBER_LIFETIME" if remember else "SESSION_LIFETIME"]
    token, live = await sessions.start_session(extensions.database(), user, lifetime=lifetime)
    # A fresh CSRF seed too: nothing from before the sign-in carries over into it.
    session.clear()
    login_user(Visitor.signed_in(token, live), remember=remember)


def _requested_path() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")
