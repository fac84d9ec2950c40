"""build/steps/summary.py: cold or warm, read from bake's plain progress log."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SUMMARY = Path(__file__).parents[2] / "build" / "steps" / "summary.py"

# Shaped like `docker buildx bake --progress=plain base-amd64 base-arm64` output: the toolchain
# stage runs once on the build platform, under whichever target BuildKit names it for.
COLD = """\
#12 [base-arm64 toolchain 2/2] RUN --mount=type=bind,source=images/toolchain/install.sh
#12 DONE 80.0s
#40 [base-amd64 opencv-build 1/1] RUN --mount=type=bind,from=opencv-sdist,target=/sdist
#40 DONE 816.3s
#54 [base-arm64 opencv-build 1/1] RUN --mount=type=bind,from=opencv-sdist,target=/sdist
#54 DONE 844.8s
"""
WARM_RECOMPILE = """\
#12 [base-arm64 toolchain 2/2] RUN --mount=type=bind,source=images/toolchain/install.sh
#12 CACHED
#40 [base-amd64 opencv-build 1/1] RUN --mount=type=bind,from=opencv-sdist,target=/sdist
#40 DONE 41.0s
#54 [base-arm64 opencv-build 1/1] RUN --mount=type=bind,from=opencv-sdist,target=/sdist
#54 CACHED
"""


@pytest.fixture(scope="module")
def summary() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_summary", SUMMARY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write(tmp_path: Path, text: str) -> Path:
    log = tmp_path / "build.log"
    log.write_text(text)
    return log


def test_a_pruned_bake_is_cold_for_every_arch_whichever_target_ran_the_toolchain(
    summary: ModuleType, tmp_path: Path
) -> None:
    log = write(tmp_path, COLD)
    assert [summary.cache_state(log, arch) for arch in ("amd64", "arm64")] == ["cold", "cold"]


def test_an_opencv_recompile_on_a_warm_cache_is_warm(summary: ModuleType, tmp_path: Path) -> None:
    log = write(tmp_path, WARM_RECOMPILE)
    assert [summary.cache_state(log, arch) for arch in ("amd64", "arm64")] == ["warm", "warm"]


def test_a_single_target_bake_without_target_prefixes(summary: ModuleType, tmp_path: Path) -> None:
    log = write(tmp_path, COLD.replace("base-amd64 ", "").replace("base-arm64 ", ""))
    assert summary.cache_state(log, "amd64") == "cold"


def test_a_log_without_the_opencv_step_is_unknown(summary: ModuleType, tmp_path: Path) -> None:
    assert summary.cache_state(write(tmp_path, ""), "amd64") == "unknown"
