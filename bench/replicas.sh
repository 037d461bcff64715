#!/usr/bin/env bash
# Runs across replicas (issue 13): two replicas of the packaged application on one PostgreSQL and
# one ZooKeeper (replica A's embedded ones; replica B is pointed at them by configuration alone).
#   1. one 1,000,000-row append run (one CSV, partitions: 2) with replica A alone, then with A and B
#      (the run's partitions spread over both): wall time from POST to completion, medians;
#   2. takeover after kill -9: while replica B loads a partition of such a run, B is killed; the
#      time until replica A holds that partition (its lease expired: sluice.run.heartbeat-timeout,
#      10 s by default), median of TAKEOVERS; every run must then hold exactly 1,000,000 distinct ids.
#
#   bench/replicas.sh        environment: ROWS=1000000 REPS=3 TAKEOVERS=5 (MAX_LOAD etc.: bench/lib.sh)
# Output on stdout; the application logs stay in the temporary directory with KEEP_TMP=1.
source "$(dirname "$0")/lib.sh"

ROWS=${ROWS:-1000000}
REPS=${REPS:-3}
TAKEOVERS=${TAKEOVERS:-5}

ensure_tools psql mawk
make_workdir
ensure_packaged
mkdir -p "$WORK/inbox/big"
gen_csv "$WORK/inbox/big/data.csv" 1 "$ROWS" >/dev/null

B_PID=""
B_URL=""
stop_b() {
    [ -n "$B_PID" ] && kill -TERM "$B_PID" 2>/dev/null && wait "$B_PID" 2>/dev/null
    B_PID=""
}
trap 'stop_b; cleanup' EXIT

start_app "$WORK/a"
wait_ready >/dev/null
use_app_postgres
A_PID=$APP_PID
ZK_PORT=$(grep -o 'Embedded ZooKeeper started on 127.0.0.1:[0-9]*' "$APP_LOG" | head -1 | sed 's/.*://')
[ -n "$ZK_PORT" ] || die "no embedded ZooKeeper port in $APP_LOG"
create_local_connector inbox "$WORK/inbox"

# start_b: replica B on A's PostgreSQL and ZooKeeper; waits until it is ready.
start_b() {
    local port
    port=$(free_port)
    B_URL=http://127.0.0.1:$port
    QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 SLUICE_DATA_DIR=$WORK/b-$(date +%s%N) \
        SLUICE_AUTH_BOOTSTRAP_KEY=$BENCH_KEY \
        QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$PGPORT/postgres" \
        QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD="$PGPASSWORD" \
        SLUICE_ZOOKEEPER_CONNECT="127.0.0.1:$ZK_PORT" \
        java $JAVA_OPTS -jar "$APP_JAR" >>"$WORK/b.log" 2>&1 &
    B_PID=$!
    for _ in $(seq 1 1200); do
        [ "$(curl -s --max-time 2 "$B_URL/q/health/ready" | jq -r .status 2>/dev/null)" = UP ] && return 0
        kill -0 "$B_PID" 2>/dev/null || die "replica B exited during start-up (see $WORK/b.log)"
        sleep 0.1
    done
    die "replica B not ready"
}

N=0
# exact TABLE: the table holds every source row once.
exact() {
    local counts
    counts=$(psqlq -Atc "SELECT count(*) || ' ' || count(DISTINCT id) FROM sluice_data.$1")
    [ "$counts" = "$ROWS $ROWS" ] || die "table $1 holds $counts (count, distinct) instead of $ROWS"
}

# one_run: a fresh append pipeline over the CSV with 2 partitions, run to completion; sets WALL_MS.
# (Not in a subshell: each run needs a pipeline of its own, or it would skip the file loaded already.)
one_run() {
    N=$((N + 1))
    local id out
    id=$(put_load_pipeline "rep_$N" "rep_$N" inbox big/ append 2)
    out=$(run_and_wait "$id" "$WORK/run-$N.json")
    [ "${out#* }" = completed ] || die "run of rep_$N ended ${out#* }"
    exact "rep_$N"
    WALL_MS=${out% *}
}

machine_info
wait_for_low_load
one_run # warm-up of replica A
alone=()
both=()
takeovers=()
for _ in $(seq 1 "$REPS"); do wait_for_low_load; one_run; alone+=("$WALL_MS"); done
start_b
one_run # warm-up with both
for _ in $(seq 1 "$REPS"); do wait_for_low_load; one_run; both+=("$WALL_MS"); done
log "1 replica: ${alone[*]} ms; 2 replicas: ${both[*]} ms"

attempts=0
while [ ${#takeovers[@]} -lt "$TAKEOVERS" ] && [ $attempts -lt $((TAKEOVERS * 3)) ]; do
    attempts=$((attempts + 1))
    [ -n "$B_PID" ] || start_b
    N=$((N + 1))
    id=$(put_load_pipeline "rep_$N" "rep_$N" inbox big/ append 2)
    run=$(start_run "$id")
    part=""
    for _ in $(seq 1 600); do
        part=$(psqlq -Atc "SELECT index FROM sluice.run_partition WHERE run_id = '$run' AND status = 'running'
                           AND rows > 0 AND claimed_by LIKE '%/$B_PID/%' LIMIT 1")
        [ -n "$part" ] && break
        sleep 0.02
    done
    if [ -z "$part" ]; then
        log "replica B took no partition of run $run; trying again"
    else
        kill -KILL "$B_PID"
        t0=$(now_ms)
        wait "$B_PID" 2>/dev/null || true
        B_PID=""
        while :; do
            holder=$(psqlq -Atc "SELECT status || ' ' || coalesce(claimed_by, '') FROM sluice.run_partition
                                 WHERE run_id = '$run' AND index = $part")
            case $holder in
                completed*) log "partition $part of $run completed before the kill took effect; trying again"; break ;;
                *"/$A_PID/"*) takeovers+=($(($(now_ms) - t0))); break ;;
            esac
            sleep 0.05
        done
    fi
    while :; do
        status=$(run_status "$(api GET "/api/v1/pipelines/$id/runs/$run")")
        case $status in completed|completed_with_errors|failed) break ;; esac
        sleep 0.5
    done
    [ "$status" = completed ] || die "run $run ended $status"
    exact "rep_$N"
done
[ ${#takeovers[@]} -gt 0 ] || die "no takeover measured"

a=$(median "${alone[@]}")
b=$(median "${both[@]}")
printf 'replicas %s, commit %s, %s rows (one CSV, append, partitions: 2), medians\n' "$(date +%Y%m%d-%H%M%S)" \
    "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$ROWS"
printf '%-46s %s\n' "run on 1 replica (ms, wall)" "$a  (${alone[*]})"
printf '%-46s %s\n' "run on 2 replicas (ms, wall)" "$b  (${both[*]})"
printf '%-46s %s\n' "ratio 1 replica / 2 replicas" "$(calc "$a / $b")"
printf '%-46s %s\n' "takeover after kill -9 (ms)" "$(median "${takeovers[@]}")  (${takeovers[*]})"
echo "every run's table held exactly $ROWS distinct ids"
