#!/usr/bin/env bash
# A real Redis Cluster on loopback for the tests: 3 masters + 3 replicas on ports 7000-7005
# (cluster bus 17000-17005), data under ${REDIS_CLUSTER_DIR:-/tmp/vimbiso-redis-cluster}.
#   .ci/redis-cluster.sh start   # create (or restart) the cluster, wait for cluster_state:ok
#   .ci/redis-cluster.sh stop    # shut every node down and remove its files
#   .ci/redis-cluster.sh url     # the seed URL the tests take as REDIS_CLUSTER_URL
# AOF everysec like docker-compose.yml; acknowledgements that must survive a master's loss use
# REDIS_ACK_REPLICAS=1 (WAIT), which this cluster's one replica per master can satisfy.
set -euo pipefail
PORTS=(7000 7001 7002 7003 7004 7005)
DIR="${REDIS_CLUSTER_DIR:-/tmp/vimbiso-redis-cluster}"

ping() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

start() {
  mkdir -p "$DIR"
  for port in "${PORTS[@]}"; do
    ping "$port" && continue
    mkdir -p "$DIR/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$DIR/$port/nodes.conf" --cluster-node-timeout 2000 \
      --dir "$DIR/$port" --appendonly yes --appendfsync everysec --save "" \
      --daemonize yes --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log"
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 100); do ping "$port" && break; sleep 0.1; done
    ping "$port" || { echo "redis-cluster: node $port did not start" >&2; exit 1; }
  done
  if ! redis-cli -p 7000 cluster info | grep -q "cluster_slots_assigned:16384"; then
    redis-cli --cluster create $(printf '127.0.0.1:%s ' "${PORTS[@]}") \
      --cluster-replicas 1 --cluster-yes >"$DIR/create.log"
  fi
  wait_ok
}

wait_ok() {
  for _ in $(seq 1 200); do
    local ok=1
    for port in "${PORTS[@]}"; do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q "cluster_state:ok" || ok=0
    done
    # Every master must also have its replica attached and synced (state=online), or WAIT 1
    # cannot succeed yet and the first webhooks with REDIS_ACK_REPLICAS=1 get 503s.
    local linked=0
    for port in "${PORTS[@]}"; do
      redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r' \
        | grep -q "^slave0:.*state=online" && linked=$((linked + 1))
    done
    if [ "$ok" = 1 ] && [ "$linked" -ge 3 ]; then
      echo "redis-cluster: ok on 127.0.0.1:${PORTS[0]}-${PORTS[-1]}"
      return 0
    fi
    sleep 0.1
  done
  echo "redis-cluster: cluster_state never became ok" >&2
  redis-cli -p 7000 cluster info >&2 || true
  exit 1
}

stop() {
  for port in "${PORTS[@]}"; do
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  done
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  wait) wait_ok ;;
  url) echo "redis://127.0.0.1:${PORTS[0]}/0" ;;
  *) echo "usage: $0 start|stop|wait|url" >&2; exit 2 ;;
esac
