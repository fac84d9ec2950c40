"""images/system/apt-install.sh: which releases a package list supports, and its usage."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "images" / "system" / "apt-install.sh"
PACKAGES = SCRIPT.parent / "packages.txt"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60
    )


def fake_root(tmp_path: Path, codename: str) -> Path:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "os-release").write_text(
        f'ID=ubuntu\nVERSION_CODENAME={codename}\nPRETTY_NAME="{codename}"\n'
    )
    return tmp_path


def test_a_release_the_lists_do_not_name_is_refused_by_name(tmp_path: Path) -> None:
    root = fake_root(tmp_path, "jammy")

    result = run("--root", root, "--download-only", tmp_path / "debs", PACKAGES)

    assert result.returncode == 1
    assert "this base's release 'jammy'" in result.stderr
    assert "(it lists: bookworm trixie )" in result.stderr
    assert "Add 'jammy:<package>' lines" in result.stderr
    assert not (tmp_path / "debs").exists()  # refused before apt ran


def test_a_root_without_os_release_is_named(tmp_path: Path) -> None:
    result = run("--root", tmp_path, "--download-only", tmp_path / "debs", PACKAGES)

    assert result.returncode == 1
    assert f"no {tmp_path}/etc/os-release" in result.stderr


def test_a_wrong_invocation_prints_the_usage() -> None:
    result = run(PACKAGES)

    assert result.returncode == 2
    assert "usage: apt-install.sh --root ROOT --download-only DEST LIST | --debs DIR" in (
        result.stderr
    )
