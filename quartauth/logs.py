"""What ``quartauth serve`` prints: the app's own log lines (the security log's JSON lines,
mailed links in development, refused requests and their reasons), one line each with its
time, beside hypercorn's access and error logs.

``LOG_LEVEL`` (default ``INFO``) sets how much; a ``logconfig`` or ``logconfig_dict`` in
hypercorn.toml replaces all of it.
"""
from __future__ import annotations

import logging
import os
import sys

from hypercorn.config import Config

FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"  # as hypercorn writes its own lines
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class LogLevelError(ValueError):
    pass


def configure(server: Config) -> None:
    """Print the ``quartauth`` loggers' lines on standard error, at ``LOG_LEVEL``, unless the
    ``server``'s settings configure logging themselves."""
    if server.logconfig or server.logconfig_dict:
        return
    level = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
    if level not in LEVELS:
        raise LogLevelError(f"LOG_LEVEL must be one of {', '.join(LEVELS)}, not {level!r}.")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    logger = logging.getLogger("quartauth")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
