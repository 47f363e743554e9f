#!/usr/bin/env bash
# Start-up: `./tlsfront run` to the first answered HTTPS request, N starts (default 5), in ms.
#
#   integration-tests/bench/startup.sh [-n STARTS] [-c CONFIG]
#
# Without -c it writes a config like the README's first example on free-standing ports (self-signed
# certificate kept under a temporary directory, made by a first, unmeasured start). The launcher's
# AppCDS archive is made by that first start too, as it is on a user's machine; TLSFRONT_NO_CDS=1
# measures without it. Each start is stopped with SIGTERM once it has answered.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=5; CONF=""
while getopts "n:c:" o; do case $o in n) N=$OPTARG;; c) CONF=$OPTARG;; *) exit 2;; esac; done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [[ -z $CONF ]]; then
  CONF=$WORK/tlsfront.yaml
  cat > "$CONF" <<YAML
hosts: [localhost]
http: { listen: "127.0.0.1:47080" }
https:
  listen: "127.0.0.1:47443"
  self_signed: true
  self_signed_dir: "$WORK/pki"
backend: { url: "http://127.0.0.1:47000" }
YAML
fi
# the https section's listen port (the first listen line after "https:")
PORT=$(sed -n '/^https:/,$p' "$CONF" | sed -n 's/.*listen: *"[^"]*:\([0-9]*\)".*/\1/p' | head -1)
start() {  # prints ms from launch to the first HTTPS answer (any status: the backend may be down)
  local t0 t1 pid
  t0=$(date +%s%N)
  "$ROOT/tlsfront" run -c "$CONF" > "$WORK/run.log" 2>&1 & pid=$!
  until curl -sk -o /dev/null "https://127.0.0.1:$PORT/" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/run.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" || true
  echo $(( (t1 - t0) / 1000000 ))
}
start > /dev/null   # builds if needed, makes the certificate and the CDS archive
for _ in $(seq "$N"); do start; done | tr '\n' ' '
echo "ms"
