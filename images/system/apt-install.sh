#!/bin/sh
# Install the packages listed in a file (comments and blank lines ignored),
# without recommends. apt's lists and archives live in BuildKit cache mounts,
# so nothing of them ends up in the layer.
set -eu
list=$1
export DEBIAN_FRONTEND=noninteractive
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | tr '\n' ' ')
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages
