#!/bin/sh
# pip inside the build: trust the build host's CA bundle when bake passes it as
# the `host-ca` secret (needed behind TLS-intercepting proxies; a secret mount
# never lands in a layer). Without the secret pip uses the image's own CAs.
if [ -s /run/secrets/host-ca ]; then
  PIP_CERT=/run/secrets/host-ca
  export PIP_CERT
fi
# PIP_INDEX_URL (a build arg) is the build host's configured index; empty = pip's default.
[ -n "${PIP_INDEX_URL:-}" ] || unset PIP_INDEX_URL
exec python3 -m pip "$@"
