#!/bin/sh
# pip inside the build: trust the build host's CA bundle when bake passes it as
# the `host-ca` secret (needed behind TLS-intercepting proxies; a secret mount
# never lands in a layer). Without the secret pip uses the image's own CAs.
if [ -s /run/secrets/host-ca ]; then
  PIP_CERT=/run/secrets/host-ca
  export PIP_CERT
fi
exec python3 -m pip "$@"
