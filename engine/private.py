"""Files that hold personal data (the log channel's journal, the calendar, the database):
readable and writable by their owner only, whatever the umask."""

import os
from pathlib import Path
from typing import BinaryIO


def open_private(path: str | Path, *, append: bool = False, new: bool = False) -> BinaryIO:
    """``path`` opened for writing bytes (appending, or from empty), created with mode 0600;
    an existing file is made owner-only too. ``new``: only if there is no file (nor a
    link) there yet, else FileExistsError."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC) | (os.O_EXCL if new else 0)
    descriptor = os.open(path, flags, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "ab" if append else "wb")
