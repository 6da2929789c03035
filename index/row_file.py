"""Rows of a ``.npy`` matrix read on demand with ``pread``, never mapped.

A query needs the vectors of a few hundred candidate passages and their
sentences out of millions. Memory-mapping the file looked free, but the kernel
maps whole folios around every fault, so after a few hundred questions a
process serving a million passages had the entire 5 GB of vectors in its RSS
(bench/scale.py). Reading the rows with ``pread`` costs a syscall per span and
leaves the file to the page cache, which the kernel can reclaim; it is also
safe from any thread (no shared file offset).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


# A file this small is read whole at open: a few hundred preads cost more than indexing an array.
IN_MEMORY_BYTES = 32 * 2**20


class RowFile:
    """A 2-d C-order ``.npy`` file as rows: ``rows(indices)``, ``spans(starts, stops)``, ``read_all()``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as fh:
            version = np.lib.format.read_magic(fh)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read_header(fh)
            self._offset = fh.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{self.path.name} is not a C-order matrix")
        self.shape: tuple[int, int] = (int(shape[0]), int(shape[1]))
        self.dtype = np.dtype(dtype)
        self._row_bytes = self.shape[1] * self.dtype.itemsize
        if self._offset + self.shape[0] * self._row_bytes != self.path.stat().st_size:
            raise ValueError(f"{self.path.name} is shorter or longer than its header says")
        self._fd = os.open(self.path, os.O_RDONLY)
        self._all: np.ndarray | None = None
        if self.shape[0] * self._row_bytes <= IN_MEMORY_BYTES:
            self._all = self.read_all()

    def __len__(self) -> int:
        return self.shape[0]

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)

    def _read(self, start: int, count: int) -> bytes:
        size = count * self._row_bytes
        data = os.pread(self._fd, size, self._offset + start * self._row_bytes)
        if len(data) != size:
            raise OSError(f"{self.path} was cut short while being read")
        return data

    def rows(self, indices: np.ndarray) -> np.ndarray:
        """The rows at ``indices`` (any order, repeats allowed), as float32."""
        indices = np.asarray(indices, dtype=np.int64)
        if self._all is not None and len(indices):  # a gather; spans' arithmetic is for runs of rows
            if int(indices.min()) < 0 or int(indices.max()) >= self.shape[0]:
                raise IndexError(f"row out of range for {self.path.name} ({self.shape[0]} rows)")
            return self._all[indices]
        return self.spans(indices, indices + 1)

    def spans(self, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
        """Rows ``starts[i]:stops[i]`` for every i, concatenated, as float32; one read per span."""
        if len(starts) == 0:
            return np.zeros((0, self.shape[1]), dtype=np.float32)
        if int(np.min(starts)) < 0 or int(np.max(stops)) > self.shape[0]:
            raise IndexError(f"row out of range for {self.path.name} ({self.shape[0]} rows)")
        if self._all is not None:  # one gather for all spans: a slice per span cost more than the product after it
            starts = np.asarray(starts, dtype=np.int64)
            lengths = np.asarray(stops, dtype=np.int64) - starts
            offsets = np.cumsum(lengths) - lengths
            return self._all[np.arange(int(lengths.sum())) - np.repeat(offsets - starts, lengths)]
        buffer = b"".join(self._read(int(a), int(b - a)) for a, b in zip(starts, stops) if b > a)
        return np.frombuffer(buffer, dtype=self.dtype).reshape(-1, self.shape[1]).astype(np.float32)

    def read_all(self) -> np.ndarray:
        """The whole matrix (benchmarks and tests on small builds)."""
        if getattr(self, "_all", None) is not None:
            return self._all.copy()
        return np.frombuffer(self._read(0, self.shape[0]), dtype=self.dtype).reshape(self.shape).astype(np.float32)
