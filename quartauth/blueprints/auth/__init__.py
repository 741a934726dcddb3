from . import passkeys  # noqa: F401  (its routes join the blueprint)
from .views import blueprint

__all__ = ["blueprint"]
