#!/usr/bin/env bash
# Side-by-side load test: tlsfront against nginx, HAProxy and Caddy doing the same job on this
# machine (../shared/peers/), same backend, same certificate, one run; prints bench.sh's table.
#
#   integration-tests/bench/compare.sh [-d SECONDS] [-r ROUNDS] [-s "small redirect ..."] [-u] [-2]
#     -u  unpinned: every process on every core (default: pinned, as ../shared/peers/README.md
#         describes: the proxies on CPU 1 with one worker each, backend and load generator on CPU 0)
#     -2  the HTTP/2 row instead: h2load, 16 connections x 10 concurrent streams, GET / (100 B),
#         against tlsfront, nginx (the peers' config with http2 on, port 18444) and Caddy; the peers'
#         bench.sh has no HTTP/2 scenario, so this script measures it the same way (median of
#         ROUNDS, CPU time of the proxy process per request).
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
  [[ -f /tmp/peers-nginx-h2.pid ]] && kill "$(cat /tmp/peers-nginx-h2.pid)" 2>/dev/null || true
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

# HTTP/2: nginx needs http2 on its listener; a copy of the peers' filled-in config gets it, on its own port.
sed -e 's|listen 127.0.0.1:18443 ssl;|listen 127.0.0.1:18444 ssl http2;|' -e 's|listen 127.0.0.1:18080;|listen 127.0.0.1:18081;|' \
    -e 's|/tmp/peers-nginx.pid|/tmp/peers-nginx-h2.pid|' "$D/nginx.conf" > "$D/nginx-h2.conf"
$PROXY_CPU nginx -c "$D/nginx-h2.conf"
sleep 0.5
# The HTTP/1.1 warm-up above leaves the HTTP/2 path (frames, HPACK, stream channels) to the
# interpreter. Measured in 15 s steps from a cold start, tlsfront's h2 rate went 7.6k, 15.1k, 17.5k,
# 18.0k req/s: the JIT, on the proxy's one core, needs about a minute of HTTP/2 to settle.
${WRK_PIN:+taskset -c $WRK_PIN} h2load -t1 -c16 -m10 -D "$((WARMUP * 4))" https://127.0.0.1:48443/ >/dev/null 2>&1
H2TARGETS=("nginx=18444:$(cat /tmp/peers-nginx-h2.pid)" "caddy=38443:$("$PEERS/peers.sh" pid caddy)" "tlsfront=48443:$TF_PID")
TCK=$(getconf CLK_TCK)
ticks() { local t=0 p; for p in $1 $(pgrep -P "$1" || true); do [[ -r /proc/$p/stat ]] && t=$((t + $(awk '{print $14+$15}' /proc/$p/stat))); done; echo $t; }
printf "%-9s %-10s %11s %6s %11s %6s\n" scenario target median ratio cpu cratio
declare -A RPS=() CPU=()
for ((r=0; r<ROUNDS; r++)); do
  for t in "${H2TARGETS[@]}"; do
    name=${t%%=*}; rest=${t#*=}; port=${rest%%:*}; pid=${rest#*:}
    t0=$(ticks "$pid")
    out=$(${WRK_PIN:+taskset -c $WRK_PIN} h2load -t1 -c16 -m10 -D "$DUR" "https://127.0.0.1:$port/" 2>/dev/null)
    t1=$(ticks "$pid")
    n=$(echo "$out" | awk '/^requests:/{print $8}')
    RPS[$name]+="$(echo "$out" | awk '/^finished in/{print $4}') "
    CPU[$name]+="$(awk -v d=$((t1 - t0)) -v n="$n" -v k="$TCK" 'BEGIN{ if (n>0) printf "%.1f", d*1e6/k/n; else print "-" }') "
  done
done
med() { tr ' ' '\n' | grep -v -e '^-$' -e '^$' | sort -g | awk '{a[NR]=$1} END{if(NR) print a[int((NR+1)/2)]; else print "-"}'; }
ref=$(echo "${RPS[nginx]}" | med); cref=$(echo "${CPU[nginx]}" | med)
for name in nginx caddy tlsfront; do
  v=$(echo "${RPS[$name]}" | med); c=$(echo "${CPU[$name]}" | med)
  printf "%-9s %-10s %11s %6s %11s %6s   req/s CPU-us/req\n" h2 "$name" "$v" "$(awk -v a="$v" -v b="$ref" 'BEGIN{printf "%.2f", a/b}')" \
    "$c" "$(awk -v a="$c" -v b="$cref" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "-"}')"
done
