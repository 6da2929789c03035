"""Writing a folder whole: build it aside, then swap it in, so a reader never sees half of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def publish_folder(work: Path, dest: Path) -> None:
    """Put the finished folder ``work`` at ``dest``, replacing what was there (exports are caches: no reader holds them)."""
    if dest.exists():
        shutil.rmtree(dest)
    os.replace(work, dest)
