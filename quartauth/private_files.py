"""Files only the server's own user may read: the development secret, the SQLite database
and mail written to the outbox folder (which holds live reset links). Folders are 0700 and
files 0600 whatever the umask, since a shared machine's other users must not read them."""
from __future__ import annotations

import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """``path``, made if it is missing (with the folders on the way to it) so that only its
    owner can enter. A folder that exists already is left as it is: it may be one the
    operator chose, such as the working directory."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # another worker made it meanwhile
            continue
        folder.chmod(FOLDER_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return path


def create_private_file(path: Path) -> None:
    """Make ``path`` (if it is not there) readable by its owner only."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))


def write_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` to a new file ``path`` that only its owner can read."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
