#!/usr/bin/env bash
# Builds docker/Dockerfile unchanged with podman (../shared/container/container-smoke.sh: base images
# made from Debian packages, no registry), runs it in front of the demo app on this machine, and
# proves it serves: the app's page over HTTPS through the container (told X-Forwarded-Proto https),
# and the image's HEALTHCHECK healthy (which needs the backend reachable). Run as root; .ci/run calls it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SMOKE=${CONTAINER_SMOKE:-}
for candidate in "$ROOT/../shared/container/container-smoke.sh" /work/shared/container/container-smoke.sh; do
  [[ -z $SMOKE && -f $candidate ]] && SMOKE=$candidate
done
[[ -n $SMOKE ]] || { echo "container smoke: container-smoke.sh not found (set CONTAINER_SMOKE)" >&2; exit 1; }

APP_PORT=${APP_PORT:-18000}
HTTPS_PORT=${HTTPS_PORT:-18444}
HTTP_PORT=${HTTP_PORT:-18081}
PORT=$APP_PORT python3 "$ROOT/docker/demo-app/app.py" &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT

cd "$ROOT"
CTX=. DOCKERFILE=docker/Dockerfile IMAGE=localhost/tlsfront:ci \
  PUBLISH="-p 127.0.0.1:$HTTP_PORT:80 -p 127.0.0.1:$HTTPS_PORT:443" \
  RUN_ARGS="-e TLSFRONT_BACKEND=http://host.containers.internal:$APP_PORT -e TLSFRONT_HTTPS_PORT=$HTTPS_PORT" \
  PROBE_URL="https://localhost:$HTTPS_PORT/" CURL_OPTS="-k --resolve localhost:$HTTPS_PORT:127.0.0.1" \
  EXPECT="Scheme the app was told: https" \
  bash "$SMOKE"
