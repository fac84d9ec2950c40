"""README.md's "Moving a Panorama app to any edge box": its bash steps run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from runtime_helpers import REPO, backpack_env, box_edge_is_green
from spyglass_helpers import decode_file

README = REPO / "README.md"
SECTION = "## Moving a Panorama app to any edge box\n"
DEMO = Path("/tmp/panorama-demo")


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


@pytest.mark.timeout(300)
def test_walkthrough_runs_as_written() -> None:
    text = README.read_text()
    assert SECTION in text, "README lost its Panorama walkthrough"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = bash_blocks(section)
    assert len(blocks) == 2 and "backpack run images/example-app" in blocks[1]
    shutil.rmtree(DEMO, ignore_errors=True)
    env = backpack_env()
    # `python3` and `backpack` are the ones of this environment (as in the image: one Python).
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "\n".join(blocks)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=280, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((DEMO / "summary.json").read_text())
    assert summary["frames"] == 100
    video = decode_file(str(DEMO / "annotated.mkv"))
    assert len(video.frames) == summary["outputs"][0]["written"] > 50
    # the synthetic camera's white box: left 0.25, top 0.5, 0.25 x 0.25
    assert all(box_edge_is_green(f, (0.25, 0.5, 0.5, 0.75)) for f in video.frames)
