#!/usr/bin/env bash
# A/B: two tlsfront builds side by side in one run, with nginx as the reference, through the peers'
# bench.sh (../shared/peers/): the question "did this change make tlsfront slower?" answered by
# ratios from alternating rounds, not by figures from different runs.
#
#   integration-tests/bench/ab.sh OLD.jar NEW.jar [bench.sh options, e.g. -s "small redirect" -r 5]
#
# Pinned as compare.sh pins: the proxies on CPU 1 with one worker each, backend and load on CPU 0.
# Both builds get the same config (the peers' certificate, backend 127.0.0.1:9000) on their own
# ports and the same warm-up, unless OLD_BACKEND / NEW_BACKEND give a build's backend mapping
# instead. SECOND_BACKEND=1 also starts a copy of the peers' backend on 127.0.0.1:9001 (CPU 0), e.g.
#   NEW_BACKEND='{ servers: [http://127.0.0.1:9000, http://127.0.0.1:9001] }' SECOND_BACKEND=1 ab.sh OLD NEW
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || true)}
[[ -x $PEERS/peers.sh ]] || { echo "ab.sh: cannot find ../shared/peers (set PEERS=DIR)" >&2; exit 2; }
OLD=$1; NEW=$2; shift 2
D=${PEERS_DIR:-/tmp/peers}
export WORKERS=1 WRK_PIN=0
PIDS=(); TWO=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for f in /tmp/peers-backend2.pid /tmp/peers-nginx2.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  "$PEERS/peers.sh" stop all >/dev/null 2>&1 || true
}
trap cleanup EXIT
PIN=0 "$PEERS/peers.sh" start backend
PIN=1 "$PEERS/peers.sh" start nginx
if [[ ${SECOND_BACKEND:-0} == 1 ]]; then
  sed -e 's/127.0.0.1:9000/127.0.0.1:9001/; s#/tmp/peers-backend.pid#/tmp/peers-backend2.pid#; s#peers-backend-error#peers-backend2-error#' \
    "$D/backend.conf" > "$D/backend2.conf"
  taskset -c 0 nginx -c "$D/backend2.conf"
  # and nginx doing the same job over both servers (https 18444), the peer for the two-server figure
  sed -e 's/server 127.0.0.1:9000;/server 127.0.0.1:9000; server 127.0.0.1:9001;/; s/18080/18081/; s/:18443/:18444/g' \
      -e 's#/tmp/peers-nginx.pid#/tmp/peers-nginx2.pid#; s#peers-nginx-error#peers-nginx2-error#' \
    "$D/nginx.conf" > "$D/nginx2.conf"
  taskset -c 1 nginx -c "$D/nginx2.conf"
  TWO=("nginx2=18444:$(cat /tmp/peers-nginx2.pid)")
fi

start() {  # JAR HTTP_PORT HTTPS_PORT BACKEND -> pid
  local conf; conf=$(mktemp --suffix=.yaml)
  cat > "$conf" <<YAML
hosts: [mysite.test, localhost, 127.0.0.1]
http: { listen: "127.0.0.1:$2" }
https:
  listen: "127.0.0.1:$3"
  certificates: [{ cert: "$D/pki/site-chain.crt", key: "$D/pki/site.key" }]
backend: $4
server: { event_loops: 1, log_level: warn }
access_log: { format: off }
YAML
  taskset -c 1 java ${TLSFRONT_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m} -jar "$1" run -c "$conf" > "/tmp/tlsfront-ab-$3.log" 2>&1 &
  echo $!
}
A=$(start "$OLD" 48080 48443 "${OLD_BACKEND:-{ url: \"http://127.0.0.1:9000\" \}}"); PIDS+=("$A")
B=$(start "$NEW" 49080 49443 "${NEW_BACKEND:-{ url: \"http://127.0.0.1:9000\" \}}"); PIDS+=("$B")
for port in 48443 49443; do
  for _ in $(seq 100); do curl -sk -o /dev/null "https://127.0.0.1:$port/" && break; sleep 0.1; done
  taskset -c 0 wrk -t1 -c64 -d"${WARMUP:-15}s" "https://127.0.0.1:$port/" >/dev/null
  taskset -c 0 wrk -t1 -c64 -d5s "https://127.0.0.1:$port/redirect" >/dev/null
  taskset -c 0 wrk -t1 -c16 -d5s -H "Connection: close" "https://127.0.0.1:$port/" >/dev/null
done
echo "# $(date -u +%Y-%m-%dT%H:%MZ) A/B pinned: old=$OLD new=$NEW${NEW_BACKEND:+ (new backend: $NEW_BACKEND)}"
"$PEERS/bench.sh" "$@" "nginx=18443:$("$PEERS/peers.sh" pid nginx)" ${TWO[@]+"${TWO[@]}"} "old=48443:$A" "new=49443:$B"
