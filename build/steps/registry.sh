#!/usr/bin/env bash
# Start a local OCI registry (Debian's docker-registry, distribution v2) on
# the REGISTRY pin (127.0.0.1:5000) only, as a background process (no systemd here). Idempotent:
# does nothing when the registry already answers. 127.0.0.0/8 registries are
# insecure-allowed by default in Docker, so no daemon configuration is needed.
#
# Usage: build/steps/registry.sh [start|stop|status]
set -euo pipefail
# shellcheck source=build/steps/lib.sh
source "$(dirname "$0")/lib.sh"

addr=${REGISTRY_ADDR:-$(python3 "$BACKPACK_ROOT/build/steps/pins.py" REGISTRY)}
state=${REGISTRY_STATE:-/var/lib/backpack-registry}
config=$state/config.yml
pidfile=$state/registry.pid
logfile=/var/log/backpack-registry.log

up() { curl -fsS -o /dev/null "http://$addr/v2/" 2>/dev/null; }

case "${1:-start}" in
  status)
    if up; then log "registry answers on $addr"; else log "registry down"; exit 1; fi
    ;;
  stop)
    if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then log "registry stopped"; fi
    rm -f "$pidfile"
    ;;
  start)
    if up; then
      log "registry already answers on $addr"
      exit 0
    fi
    apt_install docker-registry curl
    # The package's own service would listen on all interfaces; we never start it.
    mkdir -p "$state/data"
    cat >"$config" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/data
  delete:
    enabled: true
http:
  addr: $addr
YML
    log "starting docker-registry on $addr (log: $logfile)"
    nohup docker-registry serve "$config" >>"$logfile" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 30); do up && break; sleep 1; done
    up || die "registry did not come up; see $logfile"
    log "registry answers on $addr"
    ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac
