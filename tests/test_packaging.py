"""What `pip install corpusbot` installs: every module and data file of the source tree, not only what an
editable install happens to find on disk (the README has operators `pip install 'corpusbot[ray]'` on each node)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_every_module_and_data_file(tmp_path):
    tracked = subprocess.run(["git", "ls-files", "bot", "index"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    source = tmp_path / "source"  # a copy: a build writes build/ and egg-info into the tree it builds
    for name in [*tracked, "pyproject.toml", "README.md"]:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("corpusbot-*.whl")
    packed = set(zipfile.ZipFile(wheel).namelist())
    wanted = {name for name in tracked if name.endswith((".py", ".json")) or "/data/" in name}
    assert {"index/candidates/local.py", "index/vectors/onnx.py", "index/data/ranker.json"} <= wanted
    assert sorted(wanted - packed) == []
