#!/usr/bin/env bash
# Side-by-side load test: tlsfront against nginx, HAProxy and Caddy doing the same job on this
# machine (../shared/peers/), same backend, same certificate, one run; prints bench.sh's table.
#
#   integration-tests/bench/compare.sh [-d SECONDS] [-r ROUNDS] [-s "small redirect ..."] [-u] [-2]
#     -u  unpinned: every process on every core (default: pinned, as ../shared/peers/README.md
#         describes: the proxies on CPU 1 with one worker each, backend and load generator on CPU 0)
#     -2  the HTTP/2 row instead (bench.sh's h2 scenario: h2load, 16 connections x 10 streams,
#         GET /) against tlsfront, nginx and HAProxy (copies of the peers' configs offering h2, ports
#         18444 and 28444) and Caddy
#
# tlsfront runs from proxy-cli/target (built if missing) on http 48080 / https 48443 with the peers'
# test certificate, in front of the peers' backend on 127.0.0.1:9000, with the JVM options of
# ./tlsfront. It is warmed up first with every kind of traffic the run sends (WARMUP seconds of
# keep-alive requests, default 15; shorter runs of 1 MiB bodies and of new and resumed connections;
# with -2, four times WARMUP of HTTP/2): a JVM daemon is
# measured after its JIT has compiled the hot path, as it would be minutes after a deploy.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || true)}
[[ -x $PEERS/peers.sh ]] || { echo "compare.sh: cannot find ../shared/peers (set PEERS=DIR)" >&2; exit 2; }
PINNED=1; BENCH_ARGS=(); H2=0; DUR=8; ROUNDS=3
while getopts "d:r:s:u2" o; do
  case $o in d|r|s) BENCH_ARGS+=("-$o" "$OPTARG"); [[ $o == d ]] && DUR=$OPTARG; [[ $o == r ]] && ROUNDS=$OPTARG;;
    u) PINNED=0;; 2) H2=1;; *) exit 2;; esac
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
  for f in /tmp/peers-nginx-h2.pid /tmp/peers-haproxy-h2.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
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
# and the connection set-up paths of the handshake scenarios (new and resumed sessions)
${WRK_PIN:+taskset -c $WRK_PIN} wrk -t1 -c16 -d5s -H "Connection: close" https://127.0.0.1:48443/ >/dev/null
${WRK_PIN:+taskset -c $WRK_PIN} h2load --h1 -t1 -c100 -n3000 https://127.0.0.1:48443/ >/dev/null 2>&1

TARGETS=()
for p in $PEER_LIST; do
  case $p in nginx) port=18443;; haproxy) port=28443;; caddy) port=38443;; esac
  TARGETS+=("$p=$port:$("$PEERS/peers.sh" pid "$p")")
done
TARGETS+=("tlsfront=48443:$TF_PID")
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $( ((PINNED)) && echo "pinned: proxies on CPU 1 (1 worker), backend+load on CPU 0" || echo "unpinned, $WORKERS workers")"
if ((!H2)); then
  "$PEERS/bench.sh" "${BENCH_ARGS[@]}" "${TARGETS[@]}"
  exit
fi

# HTTP/2: the peers' nginx and HAProxy listeners offer HTTP/1.1 only; copies of their filled-in
# configs offer h2 on their own ports (nginx 18444, HAProxy 28444).
sed -e 's|listen 127.0.0.1:18443 ssl;|listen 127.0.0.1:18444 ssl http2;|' -e 's|listen 127.0.0.1:18080;|listen 127.0.0.1:18081;|' \
    -e 's|/tmp/peers-nginx.pid|/tmp/peers-nginx-h2.pid|' "$D/nginx.conf" > "$D/nginx-h2.conf"
$PROXY_CPU nginx -c "$D/nginx-h2.conf"
sed -e 's|alpn http/1.1|alpn h2,http/1.1|' -e 's|127.0.0.1:28443|127.0.0.1:28444|' -e 's|127.0.0.1:28080|127.0.0.1:28081|' \
    "$D/haproxy.cfg" > "$D/haproxy-h2.cfg"
$PROXY_CPU haproxy -D -p /tmp/peers-haproxy-h2.pid -f "$D/haproxy-h2.cfg"
sleep 0.5
# The HTTP/1.1 warm-up above leaves the HTTP/2 path (frames, HPACK, stream channels) to the
# interpreter. Measured in 15 s steps from a cold start, tlsfront's h2 rate went 7.6k, 15.1k, 17.5k,
# 18.0k req/s: the JIT, on the proxy's one core, needs about a minute of HTTP/2 to settle.
${WRK_PIN:+taskset -c $WRK_PIN} h2load -t1 -c16 -m10 -D "$((WARMUP * 4))" https://127.0.0.1:48443/ >/dev/null 2>&1
H2TARGETS=("nginx=18444:$(cat /tmp/peers-nginx-h2.pid)" "haproxy=28444:$(cat /tmp/peers-haproxy-h2.pid)")
[[ " $PEER_LIST " == *" caddy "* ]] && H2TARGETS+=("caddy=38443:$("$PEERS/peers.sh" pid caddy)")
H2TARGETS+=("tlsfront=48443:$TF_PID")
"$PEERS/bench.sh" -d "$DUR" -r "$ROUNDS" -s h2 "${H2TARGETS[@]}"
