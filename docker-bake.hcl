# Backpack base image: bake definition.
#
#   docker buildx bake --print            # resolved configuration
#   docker buildx bake base               # both architectures (group; same as default)
#   docker buildx bake base-arm64         # one architecture
#   docker buildx bake test               # the library's GStreamer tests image, both arches
#
# Every pinned version is a variable; override with environment variables of the
# same name (e.g. KVS_SDK_SRC=/path/to/checkout docker buildx bake). build/main.sh
# sets the offline defaults (KVS_SDK_SRC=offline placeholder when GitHub is out of reach).

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

# Base images. BASE_IMAGE, when set, is used for both architectures (a
# multi-arch registry image such as the official Panorama application image);
# otherwise the per-architecture local tags made by build/bootstrap-base-images.sh.
variable "BASE_IMAGE" {
  default = ""
}
variable "BASE_IMAGE_AMD64" {
  default = "backpack-local/debian:bookworm-amd64"
}
variable "BASE_IMAGE_ARM64" {
  default = "backpack-local/debian:bookworm-arm64"
}
# Image of the build platform for the compile stages (cross toolchain host).
variable "BUILD_IMAGE" {
  default = "backpack-local/debian:bookworm-amd64"
}

# OpenCV: compiled from the opencv-python sdist (PyPI), sha256-verified in the build.
variable "OPENCV_PYTHON_VERSION" {
  default = "5.0.0.93"
}
variable "OPENCV_PYTHON_SHA256" {
  default = "66aac3e5b5faa48d4025816592f3af19e4bfc2c68dec067bae2dbb4ca10aa9e2"
}
# Directory holding opencv_python-<version>.tar.gz (build/fetch-sources.sh fills it).
variable "OPENCV_SDIST_DIR" {
  default = "/var/cache/backpack/downloads"
}

# KVS producer SDK (C++) for the kvssink GStreamer plugin.
variable "KVS_SDK_VERSION" {
  default = "3.4.2"
}
variable "KVS_SDK_SRC" {
  default = "https://github.com/awslabs/amazon-kinesis-video-streams-producer-sdk-cpp.git#v${KVS_SDK_VERSION}"
}
variable "KVS_SDK_OFFLINE_SRC" {
  default = "images/kvssink/offline-placeholder"
}

# GStreamer comes from the base distribution; the label is checked at build time.
variable "GSTREAMER_VERSION" {
  default = "1.22"
}

variable "IMAGE_CREATED" {
  default = ""
}
variable "IMAGE_REVISION" {
  default = ""
}

function "base_image" {
  params = [arch]
  result = BASE_IMAGE != "" ? BASE_IMAGE : (arch == "arm64" ? BASE_IMAGE_ARM64 : BASE_IMAGE_AMD64)
}

function "image_ref" {
  params = [arch]
  result = "${REGISTRY}/${IMAGE_NAME}:${TAG}-${arch}"
}

group "default" {
  targets = ["base"]
}

group "base" {
  targets = ["base-amd64", "base-arm64"]
}

group "test" {
  targets = ["test-amd64", "test-arm64"]
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
    kvs-sdk-src  = KVS_SDK_SRC
  }
  args = {
    BUILD_IMAGE           = BUILD_IMAGE
    OPENCV_PYTHON_VERSION = OPENCV_PYTHON_VERSION
    OPENCV_PYTHON_SHA256  = OPENCV_PYTHON_SHA256
    KVS_SDK_VERSION       = KVS_SDK_VERSION
    KVSSINK               = KVS_SDK_SRC == KVS_SDK_OFFLINE_SRC ? "absent" : KVS_SDK_VERSION
    GSTREAMER_VERSION     = GSTREAMER_VERSION
    BACKPACK_VERSION      = BACKPACK_VERSION
    IMAGE_CREATED         = IMAGE_CREATED
    IMAGE_REVISION        = IMAGE_REVISION
  }
}

target "base-amd64" {
  inherits  = ["_common"]
  platforms = ["linux/amd64"]
  args      = { BASE_IMAGE = base_image("amd64") }
  tags      = [image_ref("amd64")]
}

target "base-arm64" {
  inherits  = ["_common"]
  platforms = ["linux/arm64"]
  args      = { BASE_IMAGE = base_image("arm64") }
  tags      = [image_ref("arm64")]
}

target "test-amd64" {
  inherits = ["base-amd64"]
  target   = "test"
  tags     = ["backpack-local/base-test:${TAG}-amd64"]
}

target "test-arm64" {
  inherits = ["base-arm64"]
  target   = "test"
  tags     = ["backpack-local/base-test:${TAG}-arm64"]
}
