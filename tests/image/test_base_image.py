"""The published base image, both architectures (arm64 runs under qemu).

Each test runs inside a container of the image pulled from the local registry
(testinfra docker backend) or reads the image through docker-py. The component
test scripts under images/*/ are mounted at /images and run inside the container.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from image_helpers import MACHINE, OUT, PINS, Published, bake, docker_cli, run_json

# The first test of a session may wait for a cold build of both architectures.
pytestmark = [pytest.mark.image, pytest.mark.timeout(4800)]

LABELS = (
    "org.opencontainers.image.title",
    "org.opencontainers.image.description",
    "org.opencontainers.image.version",
    "org.opencontainers.image.created",
    "org.opencontainers.image.revision",
    "org.opencontainers.image.source",
    "org.opencontainers.image.licenses",
    "org.opencontainers.image.base.name",
    "io.github.backpack.opencv.version",
    "io.github.backpack.gstreamer.version",
    "io.github.backpack.kvs-sdk.version",
    "io.github.backpack.kvs-producer-c.version",
    "io.github.backpack.kvs-pic.version",
    "io.github.backpack.kvssink",
    "io.github.backpack.version",
)


def image_env(image: Any) -> dict[str, str]:
    return dict(item.split("=", 1) for item in image.attrs["Config"]["Env"])


def test_architecture_metadata_and_uname(image: Any, host: Any, arch: str) -> None:
    assert image.attrs["Os"] == "linux"
    assert image.attrs["Architecture"] == arch
    assert host.check_output("uname -m") == MACHINE[arch]


def test_python_imports_backpack_cv2_with_gstreamer_and_gst(host: Any) -> None:
    script = (
        "import json, re, backpack, cv2, gi; gi.require_version('Gst', '1.0'); "
        "from gi.repository import Gst; Gst.init(None); "
        "print(json.dumps({'backpack': backpack.__version__, 'cv2': cv2.__version__, "
        "'gst': Gst.version_string(), "
        "'gst_yes': bool(re.search(r'GStreamer:\\s+YES', cv2.getBuildInformation()))}))"
    )
    found = json.loads(host.check_output(f'python3 -c "{script}"'))
    assert found["gst_yes"], found
    assert found["cv2"].startswith("5.0.0"), found
    assert found["gst"].startswith("GStreamer 1."), found


def test_gstreamer_plugins_and_bindings(host: Any) -> None:
    rc, result = run_json(host, "sh /images/system/test.sh")
    assert rc == 0, result
    assert result["elements"]["x264enc"] and result["elements"]["appsrc"], result
    assert result["rtsp_server"] == "ok"


def test_every_promised_gstreamer_path_plays(host: Any) -> None:
    rc, result = run_json(host, "python3 /images/system/test_paths.py")
    assert rc == 0, result
    for path in ("read_mp4", "read_mkv", "decodebin_mp4", "rtsp_camera"):
        assert result[path] == 30, (path, result)
    assert result["v4l2src"] is True, result


def test_opencv_writes_through_gstreamer_and_decodes(host: Any) -> None:
    rc, result = run_json(host, "python3 /images/opencv/test.py /tmp/written.mp4")
    assert result["gstreamer_backend"] and result["writer_opened"], result
    assert result["decoded"] == result["written"] == 20, result
    assert result["sizes"] == [[320, 240]], result
    assert result["colours_ok"] and result["demuxed_h264"] and result["demuxed_size"], result
    assert rc == 0


def test_kvssink_state_is_declared_consistently(image: Any, host: Any) -> None:
    rc, result = run_json(host, "sh /images/kvssink/test.sh")
    label = image.labels["io.github.backpack.kvssink"]
    assert rc == 0, result
    state = re.match(r"(absent|present)\b", result["status"])
    assert state, result
    assert state.group(1) == ("absent" if label == "absent" else "present"), result


def kvssink_expected() -> bool:
    """Whether the build had the KVS sources (build/steps/fetch-sources.sh staged them)."""
    status = Path(PINS["KVS_SOURCES_DIR"], "STATUS")
    return status.is_file() and status.read_text().startswith("present")


def test_kvssink_built_from_the_pinned_sources(image: Any, arch: str) -> None:
    labels = image.labels
    if not kvssink_expected():
        assert labels["io.github.backpack.kvssink"] == "absent"
        pytest.skip(
            "no KVS producer SDK sources were staged for this build (BACKPACK_SOURCES_DIR unset "
            "and GitHub unreachable): the image is labelled kvssink=absent, as checked"
        )
    assert labels["io.github.backpack.kvssink"] == PINS["KVS_SDK_VERSION"], labels
    assert labels["io.github.backpack.kvs-sdk.version"] == PINS["KVS_SDK_VERSION"]
    assert labels["io.github.backpack.kvs-producer-c.version"] == PINS["KVS_PRODUCER_C_VERSION"]
    assert labels["io.github.backpack.kvs-pic.version"] == PINS["KVS_PIC_VERSION"]
    assert labels["io.github.backpack.kvs-pic.note"] == PINS["KVS_PIC_NOTE"]
    # A plain `docker run` (the image's ENV) and a bare environment that only loads
    # /panorama/.env both find the element, from a fresh container.
    plain = docker_cli(
        "run",
        "--rm",
        "--platform",
        f"linux/{arch}",
        image.id,
        "gst-inspect-1.0",
        "kvssink",
        timeout=300,
    )
    assert "GStreamer AWS KVS plugin" in plain, plain
    dotenv = docker_cli(
        "run",
        "--rm",
        "--platform",
        f"linux/{arch}",
        image.id,
        "env",
        "-i",
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "sh",
        "-c",
        "set -a; . /panorama/.env; set +a; gst-inspect-1.0 kvssink | sed -n 's/^  Filename *//p'; "
        'cat "$(dirname "$GST_PLUGIN_PATH")/STATUS"; grep \'^# kvssink:\' /panorama/.env',
        timeout=300,
    )
    assert "/opt/kvs-sdk/plugin/libgstkvssink.so" in dotenv, dotenv
    version_line = (
        f"present {PINS['KVS_SDK_VERSION']} (producer-c {PINS['KVS_PRODUCER_C_VERSION']}, "
        f"pic {PINS['KVS_PIC_VERSION']}: {PINS['KVS_PIC_NOTE']})"
    )
    assert dotenv.count(version_line) == 2, dotenv  # the SDK's STATUS and the .env comment


def test_dotenv_matches_image_env(image: Any, host: Any) -> None:
    env = image_env(image)
    dotenv = host.file("/panorama/.env").content_string
    values = dict(
        line.split("=", 1) for line in dotenv.splitlines() if line and not line.startswith("#")
    )
    assert values["GST_PLUGIN_PATH"] == env["GST_PLUGIN_PATH"]
    assert values["LD_LIBRARY_PATH"] == env["LD_LIBRARY_PATH"]
    assert host.file(env["GST_PLUGIN_PATH"]).is_directory
    if image.labels["io.github.backpack.kvssink"] == "absent":
        assert "# kvssink: ABSENT" in dotenv
    rc, result = run_json(host, "python3 /images/backpack/test.py")
    assert rc == 0, result
    assert result["dotenv"] == result["env"], result
    assert result["pip_check"], result["pip_check_output"]


def test_labels_present_and_true(image: Any, host: Any) -> None:
    labels = image.labels
    missing = [key for key in LABELS if not labels.get(key)]
    assert not missing, f"missing labels: {missing}"
    cv2_version = host.check_output("python3 -c 'import cv2; print(cv2.__version__)'")
    assert labels["io.github.backpack.opencv.version"].startswith(cv2_version)
    gst = host.check_output("gst-inspect-1.0 --version | sed -n 's/^GStreamer //p'")
    assert gst.startswith(labels["io.github.backpack.gstreamer.version"] + ".")
    version = host.check_output("python3 -c 'import backpack; print(backpack.__version__)'")
    assert labels["io.github.backpack.version"] == version
    assert labels["org.opencontainers.image.version"] == version


def test_no_compilers_headers_or_build_caches(image: Any, host: Any, arch: str) -> None:
    for tool in ("gcc", "g++", "cc", "c++", "clang", "cmake", "ninja", "make", "ccache", "ld"):
        assert not host.exists(tool), f"{tool} in the image"
    packages = host.run("dpkg-query -W -f '${Package}\\t${Depends}\\n'").stdout.splitlines()
    dev = {line.split("\t")[0] for line in packages if re.search(r"-dev(:|$)", line.split("\t")[0])}
    # A -dev package a runtime package hard-depends on is not ours to drop (trixie's
    # python3-numpy depends on python3-numpy-dev); the header check below still holds.
    required = {
        re.split(r"[\s:(]", name.strip())[0]
        for line in packages
        if line.split("\t")[0] not in dev
        for alternatives in line.partition("\t")[2].split(",")
        for name in alternatives.split("|")
    }
    assert dev <= required, f"-dev packages installed: {sorted(dev - required)}"
    headers = host.run(
        "find /usr/include /usr/local/include -name '*.h' 2>/dev/null | head -5"
    ).stdout
    assert headers.strip() == "", f"headers in the image: {headers}"
    # A fresh container: earlier tests write into the long-running one's /tmp.
    leftovers = docker_cli(
        "run",
        "--rm",
        "--platform",
        f"linux/{arch}",
        image.id,
        "sh",
        "-c",
        "find /root/.cache /root/.ccache /var/lib/apt/lists /tmp /var/tmp /src /build "
        "-type f ! -name lock 2>/dev/null | head -5",
        check=False,
    )
    assert leftovers.strip() == "", f"build leftovers: {leftovers}"
    debs = host.run("find /var/cache/apt -name '*.deb' | head -3").stdout
    assert debs.strip() == ""


def test_no_secrets_in_layers_env_or_history(image: Any, host: Any) -> None:
    env = image_env(image)
    assert not [k for k in env if re.search(r"SECRET|TOKEN|PASSWORD|AWS_ACCESS|AWS_SESSION", k)]
    history = docker_cli("history", "--no-trunc", "--format", "{{.CreatedBy}}", image.id)
    assert not re.search(r"\bAKIA[A-Z2-7]{16}\b|aws_secret_access_key|AWS_SECRET", history)
    for path in (
        "/root/.aws",
        "/root/.docker/config.json",
        "/root/.netrc",
        "/root/.git-credentials",
    ):
        assert not host.file(path).exists, path
    # Access key ids are AKIA + 16 base32 characters (A-Z, 2-7), on word boundaries: base64
    # blobs (e.g. Pillow's embedded default font) are not keys.
    keys = host.run(
        "grep -rIhoE '\\bAKIA[A-Z2-7]{16}\\b' /etc /root /opt /panorama /usr/local 2>/dev/null "
        "| grep -v EXAMPLE | sort -u | head -5"
    ).stdout
    assert keys.strip() == "", f"access key ids in the image: {keys}"
    private = host.run(
        # botocore's API examples (examples-1.json) quote placeholder keys.
        "grep -rIl --exclude='examples-*.json' -- '-----BEGIN [A-Z ]*PRIVATE KEY-----' "
        "/etc /root /opt /panorama "
        "/usr/local 2>/dev/null | head -5"
    ).stdout
    assert private.strip() == "", f"private keys in the image: {private}"


def test_image_size_recorded(
    docker_client: Any, image: Any, arch: str, published: Published
) -> None:
    base_name = image.labels["org.opencontainers.image.base.name"]
    base = docker_client.images.get(base_name)
    added = image.attrs["Size"] - base.attrs["Size"]
    record = OUT / "image-sizes.json"
    sizes = json.loads(record.read_text()) if record.exists() else {}
    sizes[arch] = {
        "image": published.arch_ref(arch),
        "image_bytes": image.attrs["Size"],
        "base_image": base_name,
        "base_bytes": base.attrs["Size"],
        "added_bytes": added,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(sizes, indent=2, sort_keys=True) + "\n")
    # The 450 MB target is a number bench/ reports, not a test threshold: record it here.
    assert json.loads(record.read_text())[arch]["added_bytes"] == added > 0


# The library's test files that need GStreamer and the GStreamer-enabled cv2.
GSTREAMER_TEST_GLOBS = (
    "spyglass/test_spyglass_*.py",
    "kvs/test_kvs_*.py",
    "spyglass/test_faults_spyglass.py",
    "kvs/test_faults_kvs.py",
    "annotation/test_annotation_*.py",
    "doctor/test_*.py",
    "preview/test_preview_server.py",
)
# The doctests of the packages that need GStreamer or cv2, from the installed library.
GSTREAMER_DOCTEST_PACKAGES = (
    "backpack.spyglass",
    "backpack.annotation",
    "backpack.doctor",
    "backpack.kvs",
)


def test_library_gstreamer_tests_pass_inside_image(arch: str, published: Published) -> None:
    root = Path(__file__).resolve().parents[2]
    found = {p for pattern in GSTREAMER_TEST_GLOBS for p in (root / "tests").glob(pattern)}
    files = sorted(str(p.relative_to(root)) for p in found)
    assert files, "no GStreamer-dependent test files found"
    bake("--progress=plain", f"test-{arch}")
    tag = f"backpack-local/base-test:{published.ref.rsplit(':', 1)[1]}-{arch}"
    done = docker_cli(
        "run",
        "--rm",
        "--platform",
        f"linux/{arch}",
        tag,
        "python3",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *files,
        "--doctest-modules",
        "--pyargs",
        *GSTREAMER_DOCTEST_PACKAGES,
        timeout=1500,
        check=False,
    )
    (OUT / f"image-library-tests-{arch}.log").write_text(done)
    assert re.search(r"\d+ passed", done) and not re.search(r"\d+ (failed|error)", done), done
