"""A full disk, simulated in-process (no root, no tmpfs): ``os.write`` to files under one folder accepts a
budget of bytes, then writes part of what it is given (as a real full disk does) and fails with ENOSPC.

    with disk_full(out_dir, after=9000):
        ...  # briefs, manifest and error lines written under out_dir run out of space

Only descriptors whose path (``/proc/self/fd``) lies under the folder are affected: the terminal, pipes and
other files are written normally. Linux only (``/proc``). Used by the tests and ``scripts/batch-soak``.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["disk_full", "full_disk_write"]


def full_disk_write(under: Path | str, after: int = 0) -> Callable[[int, Any], int]:
    """An ``os.write`` replacement: files under ``under`` get ``after`` bytes in all, then ENOSPC."""
    real = os.write
    root = str(Path(under).resolve())
    left = [after]

    def write(fd: int, data: Any) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if not (target == root or target.startswith(root + os.sep)):
            return real(fd, data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = min(len(data), left[0])
        left[0] -= n
        return real(fd, bytes(data[:n]))

    return write


@contextlib.contextmanager
def disk_full(under: Path | str, *, after: int = 0) -> Iterator[None]:
    """Within the block, the disk under ``under`` is full after ``after`` more bytes."""
    real = os.write
    os.write = full_disk_write(under, after)
    try:
        yield
    finally:
        os.write = real
