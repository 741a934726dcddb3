# Each module's routes join the blueprint when it is imported.
from . import account, admin, document, signing_in  # noqa: F401
from .base import blueprint

__all__ = ["blueprint"]
