"""A real Milvus engine for the tests: milvus-lite 2.5.1's native binary serving gRPC on 127.0.0.1 only.

pymilvus reaches it at ``http://127.0.0.1:PORT`` exactly as it reaches a Milvus
standalone server or cluster, so the client code under test is the one an
operator runs against a cluster. Stopped by its PID.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, NamedTuple


class Engine(NamedTuple):
    uri: str  # http://127.0.0.1:PORT, as a client reaches a Milvus server
    pid: int


def _binary() -> Path:
    spec = importlib.util.find_spec("milvus_lite")  # not imported: it warns about pkg_resources
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("milvus-lite is not installed (pip install 'corpusbot[milvus]')")
    return Path(list(spec.submodule_search_locations)[0]) / "lib" / "milvus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def milvus_server(folder: Path, timeout: float = 60.0) -> Iterator[Engine]:
    """Start the engine on a fresh database in ``folder``; yields its URI and PID; stops it by PID."""
    binary = _binary()
    port = _free_port()
    folder = Path(folder).resolve()  # the engine runs in ``folder``: a relative path would point below it
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LD_LIBRARY_PATH": f"{binary.parent}:{os.environ.get('LD_LIBRARY_PATH', '')}"}
    log = open(folder / "milvus.log", "wb")
    proc = subprocess.Popen([str(binary), str(folder / "milvus.db"), f"127.0.0.1:{port}", "ERROR"],
                            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"milvus exited with {proc.returncode}: {(folder / 'milvus.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"milvus did not listen on 127.0.0.1:{port} within {timeout:.0f} s")
                time.sleep(0.2)
        yield Engine(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
