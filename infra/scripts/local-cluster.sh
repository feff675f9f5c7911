#!/usr/bin/env bash
# A standalone Flink 2.2 session cluster on this machine (one JobManager and one TaskManager
# process) made of Maven-resolved jars, configured as a production cluster for Auspex: RocksDB,
# incremental exactly-once checkpoints, no Kryo. For trying `flink run` with the job jar without
# installing a Flink distribution.
#
# High availability: with AUSPEX_CLUSTER_HA=zookeeper, `start` first starts a ZooKeeper server
# process (Flink's own FlinkZooKeeperQuorumPeer from flink-runtime, standalone, data in
# $DIR/zookeeper) and configures ZooKeeper HA (high-availability.type: zookeeper, storageDir
# $DIR/ha, cluster-id /auspex-local): a JobManager that dies and is started again (by hand here, by
# a supervisor in production) recovers the running jobs from their latest checkpoint. Without it
# (the default) a JobManager lost is a job lost. `stop` keeps the HA data: a cluster started again
# on the same directory recovers the jobs it was running (delete $DIR/zookeeper and $DIR/ha for a
# clean start).
#
#   infra/scripts/local-cluster.sh start      # web UI and REST on http://localhost:8081
#   (AUSPEX_CLUSTER_DIR, AUSPEX_CLUSTER_REST_PORT, AUSPEX_CLUSTER_RPC_PORT, AUSPEX_CLUSTER_ZK_PORT
#    override the defaults; AUSPEX_CLUSTER_HA=zookeeper: high availability, see above)
#   infra/scripts/local-cluster.sh run [-d] [-s SAVEPOINT] ARGS   # flink run of the job jar with ARGS
#   infra/scripts/local-cluster.sh stop       # the TaskManager, the JobManager, then ZooKeeper
#   infra/scripts/local-cluster.sh kill-taskmanager | start-taskmanager   # fault drills (kill -9)
#   infra/scripts/local-cluster.sh kill-jobmanager | start-jobmanager     # (a job survives only with HA)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${AUSPEX_CLUSTER_DIR:-$ROOT/target/local-cluster}"
CONF="$DIR/conf"
REST_PORT="${AUSPEX_CLUSTER_REST_PORT:-8081}"
RPC_PORT="${AUSPEX_CLUSTER_RPC_PORT:-6123}"
ZK_PORT="${AUSPEX_CLUSTER_ZK_PORT:-2181}"
HA="${AUSPEX_CLUSTER_HA:-none}"
if [[ "$HA" != none && "$HA" != zookeeper ]]; then
  echo "AUSPEX_CLUSTER_HA must be zookeeper or none, not '$HA'" >&2
  exit 1
fi
JAR="$ROOT/jobs/target/auspex-jobs-0.1.0-SNAPSHOT-job.jar"
OPENS="--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
 --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
 --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
 --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
 --add-opens=java.sql/java.sql=ALL-UNNAMED"

classpath() {
  if [[ ! -f "$DIR/classpath.txt" ]]; then
    mkdir -p "$DIR"
    mvn -q -B -f "$ROOT/infra/cluster/pom.xml" dependency:build-classpath -Dmdep.outputFile="$DIR/classpath.txt" >&2
  fi
  cat "$DIR/classpath.txt"
}

write_conf() {
  mkdir -p "$CONF" "$DIR/log"
  cat > "$CONF/config.yaml" <<YAML
jobmanager:
  rpc: {address: localhost, port: $RPC_PORT}
  bind-host: localhost
  memory: {process: {size: 1024m}}
taskmanager:
  bind-host: localhost
  host: localhost
  numberOfTaskSlots: 2
  memory: {process: {size: 2048m}}
rest: {address: localhost, bind-address: localhost, port: $REST_PORT}
parallelism: {default: 2}
state: {backend: {type: rocksdb}}
execution:
  checkpointing: {interval: 5 s, incremental: true, mode: EXACTLY_ONCE, dir: "file://$DIR/checkpoints"}
pipeline: {generic-types: false}
restart-strategy: {type: fixed-delay, fixed-delay: {attempts: 3, delay: 2 s}}
YAML
  if [[ "$HA" == zookeeper ]]; then
    # The JobManager's RPC port under HA is high-availability.jobmanager.port (random by default),
    # kept at RPC_PORT. session-timeout 15 s (Flink's default 60 s, which this server would cap at
    # 40 s): a new JobManager's leader election waits for the killed one's ZooKeeper session to
    # expire, so this bounds how long the cluster is leaderless after a JobManager dies.
    cat >> "$CONF/config.yaml" <<YAML
high-availability:
  type: zookeeper
  storageDir: "file://$DIR/ha"
  cluster-id: /auspex-local
  jobmanager: {port: "$RPC_PORT"}
  zookeeper:
    quorum: "localhost:$ZK_PORT"
    path: {root: /flink}
    client: {session-timeout: 15 s}
YAML
    # admin.enableServer=false: ZooKeeper's AdminServer would take port 8080
    cat > "$CONF/zoo.cfg" <<CFG
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$DIR/zookeeper
clientPort=$ZK_PORT
clientPortAddress=localhost
admin.enableServer=false
4lw.commands.whitelist=ruok
CFG
  fi
  cat > "$CONF/log4j.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n
PROPS
}

# JVM flags (line 1) and -D options (line 2) computed as Flink's own scripts do
params() {
  java -cp "$1" org.apache.flink.runtime.util.bash.BashJavaUtils "$2" --configDir "$CONF" 2>/dev/null \
    | grep BASH_JAVA_UTILS_EXEC_RESULT | sed 's/BASH_JAVA_UTILS_EXEC_RESULT://'
}

start_taskmanager() {
  local cp tm
  cp="$(classpath)"
  tm="$(params "$cp" GET_TM_RESOURCE_PARAMS)"
  # shellcheck disable=SC2086
  nohup java $(sed -n 1p <<<"$tm") $OPENS -Dlog.file="$DIR/log/taskmanager.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$cp" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$CONF" \
    $(sed -n 2p <<<"$tm") >> "$DIR/log/taskmanager.out" 2>&1 &
  echo $! > "$DIR/taskmanager.pid"
}

start_jobmanager() {
  local cp jm
  cp="$(classpath)"
  jm="$(params "$cp" GET_JM_RESOURCE_PARAMS)"
  # shellcheck disable=SC2086
  nohup java $(sed -n 1p <<<"$jm") $OPENS -Dlog.file="$DIR/log/jobmanager.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$cp" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" \
    $(sed -n 2p <<<"$jm") >> "$DIR/log/jobmanager.out" 2>&1 &
  echo $! > "$DIR/jobmanager.pid"
}

zookeeper_ok() {
  local reply=""
  exec 3<>"/dev/tcp/localhost/$ZK_PORT" || return 1
  echo ruok >&3
  read -r -t 2 reply <&3 || true
  exec 3<&- 3>&-
  [[ "$reply" == imok* ]]
}

# ZooKeeper as Flink's bin/start-zookeeper-quorum.sh starts it: FlinkZooKeeperQuorumPeer, which
# writes the peer id and runs a standalone server when zoo.cfg lists no other peers
start_zookeeper() {
  local cp
  cp="$(classpath)"
  if zookeeper_ok 2>/dev/null; then
    echo "something already answers on ZooKeeper's port $ZK_PORT (AUSPEX_CLUSTER_ZK_PORT)" >&2
    return 2
  fi
  nohup java -Xmx256m -Dlog.file="$DIR/log/zookeeper.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -cp "$cp" \
    org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer --zkConfigFile "$CONF/zoo.cfg" --peerId 1 \
    >> "$DIR/log/zookeeper.out" 2>&1 &
  echo $! > "$DIR/zookeeper.pid"
  for _ in $(seq 1 60); do
    if zookeeper_ok 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "ZooKeeper did not come up on port $ZK_PORT; see $DIR/log/zookeeper.log" >&2
  return 2
}

start() {
  classpath > /dev/null
  write_conf
  if [[ "$HA" == zookeeper ]]; then
    start_zookeeper
  fi
  start_jobmanager
  start_taskmanager
  for _ in $(seq 1 60); do
    if curl -sf "localhost:$REST_PORT/taskmanagers" 2>/dev/null | grep -q '"slotsNumber":2'; then
      echo "local cluster up: http://localhost:$REST_PORT (logs in $DIR/log; high availability: $HA)"
      return 0
    fi
    sleep 1
  done
  echo "local cluster did not come up; see $DIR/log" >&2
  return 2
}

# run [-d] [-s SAVEPOINT] [-p PARALLELISM] ARGS: flink run of the job jar (-d: detached; -s: restore
# from a savepoint or retained checkpoint; -p: the job's parallelism), ARGS are the job's --key value pairs
run() {
  local opts=()
  while [[ "${1:-}" == "-d" || "${1:-}" == "-s" || "${1:-}" == "-p" ]]; do
    if [[ "$1" == "-d" ]]; then
      opts+=(-d)
      shift
    else
      opts+=("$1" "$2")
      shift 2
    fi
  done
  [[ -f "$JAR" ]] || (cd "$ROOT" && mvn -q -B package -DskipTests >&2)
  # shellcheck disable=SC2086
  FLINK_CONF_DIR="$CONF" java $OPENS -cp "$(classpath)" org.apache.flink.client.cli.CliFrontend \
    run "${opts[@]}" -c io.auspex.jobs.PipelineJob "$JAR" "$@"
}

# kill_process NAME [SIGNAL]: signals the process of NAME.pid and waits (30 s at most) until it is gone
kill_process() {
  local pid
  [[ -f "$DIR/$1.pid" ]] || return 0
  pid="$(cat "$DIR/$1.pid")"
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  rm -f "$DIR/$1.pid"
}

# ZooKeeper last: a JobManager that shuts down still talks to it
stop() {
  for p in taskmanager jobmanager zookeeper; do
    kill_process "$p"
  done
}

case "${1:-}" in
  start) start ;;
  start-taskmanager) start_taskmanager ;;
  kill-taskmanager) kill -9 "$(cat "$DIR/taskmanager.pid")" ;;
  start-jobmanager) start_jobmanager ;;
  kill-jobmanager) kill_process jobmanager KILL ;;
  run) shift; run "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 start|run ARGS|stop|kill-taskmanager|start-taskmanager|kill-jobmanager|start-jobmanager" \
       "(AUSPEX_CLUSTER_HA=zookeeper: high availability)" >&2; exit 1 ;;
esac
