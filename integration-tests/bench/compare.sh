#!/usr/bin/env bash
# Side-by-side load test: tlsfront against nginx, HAProxy and Caddy doing the same job on this
# machine (../shared/peers/), same backend, same certificate, one run; prints bench.sh's table.
#
#   integration-tests/bench/compare.sh [-d SECONDS] [-r ROUNDS] [-s "small redirect ..."] [-u]
#     -u  unpinned: every process on every core (default: pinned, as ../shared/peers/README.md
#         describes: the proxies on CPU 1 with one worker each, backend and load generator on CPU 0)
#
# tlsfront runs from proxy-cli/target (built if missing) on http 48080 / https 48443 with the peers'
# test certificate, in front of the peers' backend on 127.0.0.1:9000, with the JVM options of
# ./tlsfront. It is warmed up for WARMUP seconds (default 15) before the run: a JVM daemon is
# measured after its JIT has compiled the hot path, as it would be minutes after a deploy.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || true)}
[[ -x $PEERS/peers.sh ]] || { echo "compare.sh: cannot find ../shared/peers (set PEERS=DIR)" >&2; exit 2; }
PINNED=1; BENCH_ARGS=()
while getopts "d:r:s:u" o; do
  case $o in d|r|s) BENCH_ARGS+=("-$o" "$OPTARG");; u) PINNED=0;; *) exit 2;; esac
done
WARMUP=${WARMUP:-15}
PEER_LIST=${PEER_LIST:-"nginx haproxy caddy"}
D=${PEERS_DIR:-/tmp/peers}

JAR="$ROOT/proxy-cli/target/tlsfront.jar"
[[ -f $JAR ]] || mvn -B -q -f "$ROOT/pom.xml" -pl proxy-cli -am package -DskipTests

if ((PINNED)); then
  export WORKERS=1; PROXY_CPU="taskset -c 1"; export WRK_PIN=0; BACKEND_PIN=0; LOOPS=1
else
  export WORKERS=${WORKERS:-2}; PROXY_CPU=""; unset WRK_PIN; BACKEND_PIN=""; LOOPS=$WORKERS
fi

cleanup() {
  [[ -n ${TF_PID:-} ]] && kill "$TF_PID" 2>/dev/null || true
  "$PEERS/peers.sh" stop all >/dev/null 2>&1 || true
}
trap cleanup EXIT

PIN=$BACKEND_PIN "$PEERS/peers.sh" start backend
for p in $PEER_LIST; do PIN=$([[ $PINNED == 1 ]] && echo 1 || true) "$PEERS/peers.sh" start "$p"; done

CONF=$(mktemp --suffix=.yaml)
cat > "$CONF" <<YAML
hosts: [mysite.test, localhost, 127.0.0.1]
http: { listen: "127.0.0.1:48080" }
https:
  listen: "127.0.0.1:48443"
  certificates: [{ cert: "$D/pki/site-chain.crt", key: "$D/pki/site.key" }]
backend: { url: "http://127.0.0.1:9000" }
server: { event_loops: $LOOPS, log_level: warn }
access_log: { format: off }   # as the peers' configs (access_log off)
YAML
$PROXY_CPU java ${TLSFRONT_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx256m} -jar "$JAR" run -c "$CONF" > /tmp/tlsfront-bench.log 2>&1 &
TF_PID=$!
for _ in $(seq 100); do curl -sk -o /dev/null https://127.0.0.1:48443/ && break; sleep 0.1; done
command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nghttp2-client >/dev/null; }
${WRK_PIN:+taskset -c $WRK_PIN} wrk -t1 -c64 -d"${WARMUP}s" https://127.0.0.1:48443/ >/dev/null
${WRK_PIN:+taskset -c $WRK_PIN} wrk -t1 -c8 -d3s https://127.0.0.1:48443/1m >/dev/null

TARGETS=()
for p in $PEER_LIST; do
  case $p in nginx) port=18443;; haproxy) port=28443;; caddy) port=38443;; esac
  TARGETS+=("$p=$port:$("$PEERS/peers.sh" pid "$p")")
done
TARGETS+=("tlsfront=48443:$TF_PID")
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $( ((PINNED)) && echo "pinned: proxies on CPU 1 (1 worker), backend+load on CPU 0" || echo "unpinned, $WORKERS workers")"
"$PEERS/bench.sh" "${BENCH_ARGS[@]}" "${TARGETS[@]}"
