"""The only code that runs queries: one function per SQL file, returning dataclasses.

Each function takes a ``Connection`` or ``Database``, so a caller can run it on its own or
inside a transaction it holds.
"""
