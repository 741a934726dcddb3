"""Context processors run on the event loop, and give templates what the libraries meant."""
from __future__ import annotations

from inspect import iscoroutinefunction

from quartauth.fastpaths import context_processors


async def test_every_context_processor_is_a_coroutine(app):
    processors = [processor for group in app.template_context_processors.values() for processor in group]

    assert processors and all(iscoroutinefunction(processor) for processor in processors)


async def test_the_libraries_processors_are_still_there_and_answer_as_before(app):
    wrapped = [
        processor.__wrapped__
        for processor in app.template_context_processors[None]
        if hasattr(processor, "__wrapped__")
    ]
    async with app.test_request_context("/login"):
        await app.preprocess_request()
        names = {name for processor in wrapped for name in processor()}

    # quart-auth's and quart-wtforms' processors: plain functions in both libraries.
    assert len(wrapped) == 2 and "current_user" in names


async def test_quart_awaits_what_the_processors_give(app):
    async with app.test_request_context("/login"):
        await app.preprocess_request()
        context: dict = {}
        await app.update_template_context(context)

    assert "signed_in" in context and "current_user" in context


def test_a_plain_processor_is_wrapped_and_still_called():
    calls = []

    def plain() -> dict:
        calls.append(1)
        return {"x": 1}

    wrapped = context_processors._on_the_loop(plain)

    assert iscoroutinefunction(wrapped) and wrapped.__wrapped__ is plain
