# Backpack base image: bake definition.
#
#   docker buildx bake --print            # resolved configuration
#   docker buildx bake base               # both architectures (group; same as default)
#   docker buildx bake base-arm64         # one architecture
#   docker buildx bake test               # the library's GStreamer tests image, both arches
#
# Every pinned version is a variable; override with environment variables of the
# same name. build/main.sh stages the sources (build/steps/fetch-sources.sh) and sets KVSSINK.

variable "REGISTRY" {
  default = "127.0.0.1:5000"
}
variable "IMAGE_NAME" {
  default = "backpack/base"
}
variable "TAG" {
  default = "latest"
}
variable "BACKPACK_VERSION" {
  default = "0.1.0"
}

# Architectures built and published (space-separated; e.g. ARCHES=amd64 for one).
variable "ARCHES" {
  default = "amd64 arm64"
}

# Base images. BASE_IMAGE, when set, is used for both architectures (a multi-arch
# registry image); else BASE_IMAGE_<ARCH>, else the local per-architecture tag
# ${BASE_REPO}:${DEBIAN_RELEASE}-<arch> that build/steps/bootstrap-base-images.sh makes with
# debootstrap. DEBIAN_RELEASE picks the release (bookworm or trixie: the package lists
# name both, images/system/apt-install.sh chooses by the base's /etc/os-release).
variable "DEBIAN_RELEASE" {
  default = "bookworm"
}
variable "BASE_REPO" {
  default = "backpack-local/debian"
}
variable "BASE_IMAGE" {
  default = ""
}
variable "BASE_IMAGE_AMD64" {
  default = ""
}
variable "BASE_IMAGE_ARM64" {
  default = ""
}
# Image of the build platform for the compile stages (cross toolchain host) and the
# native apt that fetches target packages; its release must match the target's (same
# GCC as the target's libstdc++, same apt).
variable "BUILD_IMAGE" {
  default = ""
}

# ccache in the compile stages: "1" speeds up recompiling after a build-script change (a
# developer's loop). Off by default: OpenCV then uses precompiled headers instead (it
# cannot use both), which is what makes a cold bake fast.
variable "CCACHE" {
  default = "0"
}

# OpenCV: compiled from the opencv-python sdist (PyPI), sha256-verified in the build.
variable "OPENCV_PYTHON_VERSION" {
  default = "5.0.0.93"
}
variable "OPENCV_PYTHON_SHA256" {
  default = "66aac3e5b5faa48d4025816592f3af19e4bfc2c68dec067bae2dbb4ca10aa9e2"
}
# Directory holding opencv_python-<version>.tar.gz (build/steps/fetch-sources.sh fills it).
variable "OPENCV_SDIST_DIR" {
  default = "/var/cache/backpack/downloads"
}

# KVS producer SDK for the kvssink GStreamer plugin: the C++ SDK, the C producer it
# pins, and the platform-independent code (PIC) under it. Online, build/steps/fetch-sources.sh
# clones each tag and checks its commit; offline it takes the archives from
# $BACKPACK_SOURCES_DIR/kvs and checks each sha256 (git archive of the tag).
variable "KVS_SDK_VERSION" {
  default = "3.6.0"
}
variable "KVS_SDK_COMMIT" {
  default = "a6efdf5d2fe1fcc5be85048a0c1b6a90ab80ff72"
}
variable "KVS_SDK_SHA256" {
  default = "cf9f5ccb5beaa365b9c4f5e80fb9b1a8bab19411f078566eded2d1429154418e"
}
variable "KVS_PRODUCER_C_VERSION" {
  default = "1.6.2"
}
variable "KVS_PRODUCER_C_COMMIT" {
  default = "a8e17c498a0200e2b36f71a9d3842c8680e03c38"
}
variable "KVS_PRODUCER_C_SHA256" {
  default = "595bf7a75321b478dccdc6fd796f88c2872cf87a06742a1837119d392a1d9d82"
}
# producer-c 1.6.2 pins PIC 1.3.1, which no offline copy holds; PIC 1.2.0 is what
# producer-c 1.6.0 pinned, and producer-c's src/ is unchanged from 1.6.0 to 1.6.2.
variable "KVS_PIC_VERSION" {
  default = "1.2.0"
}
variable "KVS_PIC_COMMIT" {
  default = "c98c2a256a7bb3dfc4db41ae26d45e28ac7eec56"
}
variable "KVS_PIC_SHA256" {
  default = "72c75ee76eff7fbdd0f2f24535e71b1b162930206afd1ca2245bbe0b9ca7d766"
}
variable "KVS_PIC_NOTE" {
  default = "producer-c 1.6.2 pins pic 1.3.1; built with pic 1.2.0 (producer-c src/ unchanged since 1.6.0, which pinned it)"
}
# Directory the pinned KVS archives are staged in (build/steps/fetch-sources.sh fills it,
# with a STATUS file: "present" or "absent: <reason>").
variable "KVS_SOURCES_DIR" {
  default = "/var/cache/backpack/kvs-sources"
}
# "present" when KVS_SOURCES_DIR holds the archives (build/steps/env.sh reads its STATUS).
variable "KVSSINK" {
  default = "absent"
}

# GStreamer comes from the base distribution; the label is checked at build time.
# GSTREAMER_VERSION, when set, wins (any other base); else the release's.
variable "GSTREAMER_VERSION" {
  default = ""
}
variable "GSTREAMER_VERSION_BOOKWORM" {
  default = "1.22"
}
variable "GSTREAMER_VERSION_TRIXIE" {
  default = "1.26"
}

# The Python package index pip uses inside the build: the build host's configured one
# (build/steps/env.sh reads it from pip's configuration), or pip's default when empty.
variable "PIP_INDEX_URL" {
  default = ""
}

variable "IMAGE_CREATED" {
  default = ""
}
variable "IMAGE_REVISION" {
  default = ""
}
variable "IMAGE_SOURCE" {
  default = ""
}

function "base_image" {
  params = [arch]
  result = (BASE_IMAGE != "" ? BASE_IMAGE
    : arch == "arm64" && BASE_IMAGE_ARM64 != "" ? BASE_IMAGE_ARM64
    : arch == "amd64" && BASE_IMAGE_AMD64 != "" ? BASE_IMAGE_AMD64
  : "${BASE_REPO}:${DEBIAN_RELEASE}-${arch}")
}

function "build_image" {
  params = []
  result = BUILD_IMAGE != "" ? BUILD_IMAGE : "${BASE_REPO}:${DEBIAN_RELEASE}-amd64"
}

function "gstreamer_version" {
  params = []
  result = (GSTREAMER_VERSION != "" ? GSTREAMER_VERSION
    : DEBIAN_RELEASE == "trixie" ? GSTREAMER_VERSION_TRIXIE
  : GSTREAMER_VERSION_BOOKWORM)
}

function "image_ref" {
  params = [arch]
  result = "${REGISTRY}/${IMAGE_NAME}:${TAG}-${arch}"
}

group "default" {
  targets = ["base"]
}


# The build host's CA bundle, for pip inside the build behind a TLS-intercepting
# proxy (mounted as a secret: never stored in a layer).
variable "HOST_CA_BUNDLE" {
  default = "/etc/ssl/certs/ca-certificates.crt"
}

target "_common" {
  dockerfile = "Dockerfile.base"
  secret     = ["id=host-ca,src=${HOST_CA_BUNDLE}"]
  context    = "."
  target     = "final"
  contexts = {
    opencv-sdist = OPENCV_SDIST_DIR
    kvs-sources  = KVS_SOURCES_DIR
  }
  args = {
    BUILD_IMAGE           = build_image()
    CCACHE                = CCACHE
    OPENCV_PYTHON_VERSION = OPENCV_PYTHON_VERSION
    OPENCV_PYTHON_SHA256  = OPENCV_PYTHON_SHA256
    KVS_SDK_VERSION        = KVS_SDK_VERSION
    KVS_SDK_SHA256         = KVS_SDK_SHA256
    KVS_PRODUCER_C_VERSION = KVS_PRODUCER_C_VERSION
    KVS_PRODUCER_C_SHA256  = KVS_PRODUCER_C_SHA256
    KVS_PIC_VERSION        = KVS_PIC_VERSION
    KVS_PIC_SHA256         = KVS_PIC_SHA256
    KVS_PIC_NOTE           = KVS_PIC_NOTE
    KVSSINK                = KVSSINK == "present" ? KVS_SDK_VERSION : "absent"
    GSTREAMER_VERSION     = gstreamer_version()
    BACKPACK_VERSION      = BACKPACK_VERSION
    IMAGE_CREATED         = IMAGE_CREATED
    IMAGE_REVISION        = IMAGE_REVISION
    IMAGE_SOURCE          = IMAGE_SOURCE
    PIP_INDEX_URL         = PIP_INDEX_URL
  }
}

# One target per architecture (base-amd64, base-arm64) and its test image (test-amd64, ...).
target "base" {
  name      = "base-${arch}"
  inherits  = ["_common"]
  matrix    = { arch = split(" ", ARCHES) }
  platforms = ["linux/${arch}"]
  args      = { BASE_IMAGE = base_image(arch) }
  tags      = [image_ref(arch)]
}

target "test" {
  name     = "test-${arch}"
  inherits = ["base-${arch}"]
  matrix   = { arch = split(" ", ARCHES) }
  target   = "test"
  tags     = ["backpack-local/base-test:${TAG}-${arch}"]
}
