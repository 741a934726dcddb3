"""Files the repository keeps at its top level, found in a checkout and in an installed package.

``sql/`` and ``hypercorn.toml`` sit beside the package in the repository, where people look
for them; the build copies them into the package (see setup.py), so an installed copy
carries its own.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped(name: str) -> Path:
    """The path of ``name``: inside the installed package, or else at the checkout's top."""
    packaged = PACKAGE / name
    return packaged if packaged.exists() else PACKAGE.parent / name
