#!/usr/bin/env bash
# External table sync throughput (issue 4): an Iceberg table of FILES Parquet files holding ROWS
# rows in all (JDBC catalog in the embedded PostgreSQL, data files on the local disk, written by
# Iceberg's own Parquet writer) synced by one POST /tasks/schedule, against psql COPY of the same
# rows as CSV into a table of the same shape, measured in the same run on the same PostgreSQL.
# Goal (issue 10): the first sync at least 1.0 x COPY rows/s.
#
#   bench/iceberg-sync.sh
#
# Two tables of the same shape and rows are synced one after the other: the first sync runs in a
# freshly started JVM (it pays for loading and JIT-compiling the Parquet, Iceberg and client code:
# what the first sync after a deployment costs), the second in a warm one (every later sync).
# Both are reported; the ratio of each is to the same COPY figure.
# Sync time is the watcher status' endTimeMs - startTimeMs: catalog scan, planning, reading,
# converting and loading every file as a segment. COPY time is psql's \copy wall time, run once
# before and once after the syncs (the ratio uses their mean).
# Knobs: FILES (default 100), ROWS (default 1000000), PERF=1 (each sync recorded by `perf record -a
# $PERF_ARGS`, default -g, into bench/results/perf-iceberg-sync-*.data), and those of bench/lib.sh.
# Output: a table on stdout; one line per run appended to bench/results/iceberg-sync.tsv
# (the columns after the ratio of the first sync: load, other processes, and the same three for the
# second sync).

source "$(dirname "$0")/lib.sh"

FILES=${FILES:-100}
ROWS=${ROWS:-1000000}

ensure_tools psql
ensure_packaged
mkdir -p "$RESULTS_DIR"
make_workdir
TSV=$RESULTS_DIR/iceberg-sync.tsv

log "test classpath for the table writer (Iceberg's generic Parquet writer)"
(cd "$REPO_DIR" && ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null) \
    || die "cannot resolve the test classpath"
CP="$(cat "$WORK/cp.txt"):$REPO_DIR/target/classes"

wait_for_low_load
# The embedded PostgreSQL takes password logins only: the password is chosen here (the application
# keeps a postgres.password it finds), so that the catalog config can name it by variable
# (catalog.jdbc.password-env; credential variables must start with SLUICE_S3_, S3_ or AWS_).
SLUICE_S3_BENCH_PG_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
export SLUICE_S3_BENCH_PG_PASSWORD
mkdir -p "$WORK/data" && chmod 700 "$WORK/data"
(umask 077 && printf '%s\n' "$SLUICE_S3_BENCH_PG_PASSWORD" >"$WORK/data/postgres.password")
start_app "$WORK/data"
READY_MS=$(wait_ready)
log "ready after ${READY_MS} ms on $APP_URL"
PG_PORT=$(sed -n 4p "$APP_DATA/postgres/postmaster.pid")
PG_URI="postgresql://127.0.0.1:$PG_PORT/postgres?user=postgres&password=$SLUICE_S3_BENCH_PG_PASSWORD"
CATALOG_URI="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "$PG_URI")

log "writing two Iceberg tables of $FILES files, $ROWS rows each (and the same rows as CSV)"
mkdir -p "$WORK/warehouse"
write_table() { # NAME CSV: prints the snapshot id
    java -cp "$CP" "$BENCH_DIR/iceberg/WriteIcebergTable.java" "jdbc:$PG_URI" "file:$WORK/warehouse" bench \
        "bench.$1" "$FILES" "$ROWS" "$2" 2>"$WORK/writer.log" | tail -1 || { cat "$WORK/writer.log" >&2; die "writer failed"; }
}
SNAPSHOT_FIRST=$(write_table orders_first /dev/null)
SNAPSHOT_SECOND=$(write_table orders_second "$WORK/rows.csv")
log "snapshots $SNAPSHOT_FIRST, $SNAPSHOT_SECOND; $(du -sh "$WORK/warehouse" | cut -f1) of Parquet, $(du -sh "$WORK/rows.csv" | cut -f1) of CSV"

copy_once() { # prints seconds
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS public.copy_baseline" -c "CREATE TABLE public.copy_baseline (id bigint,
        customer text, amount numeric(10,2), ordered_at timestamptz, day date, quantity integer, paid boolean,
        score double precision)"
    local t0 t1 pg0
    pg0=$(cpu_ticks_pg)
    t0=$(date +%s%N)
    "${PSQL[@]}" -c "\\copy public.copy_baseline FROM '$WORK/rows.csv' WITH (FORMAT csv)"
    t1=$(date +%s%N)
    COPY_PG_MS=$(ticks_ms $(( $(cpu_ticks_pg) - pg0 )))
    [ "$("${PSQL[@]}" -tAc "SELECT count(*) FROM public.copy_baseline")" = "$ROWS" ] || die "COPY loaded a different row count"
    calc "($t1 - $t0) / 1e9" 3
}

LOAD_COPY1=$(load1)
copy_once >"$WORK/copy.s"
COPY1=$(cat "$WORK/copy.s") COPY1_PG=$COPY_PG_MS
log "psql COPY: ${COPY1}s, PostgreSQL CPU ${COPY1_PG} ms (load $LOAD_COPY1)"

# sync_table NAME SNAPSHOT: registers and syncs bench.NAME, checks it; sets SYNC_S, SYNC_LOAD, SYNC_FOREIGN.
sync_table() {
    local name=$1 snapshot=$2 task status loaded
    api POST /tables "{\"tableName\":\"$name\",\"tableType\":\"OFFLINE\",\"schema\":null,\"task\":{\"taskTypeConfigsMap\":{
        \"ExternalTableSyncTask\":{\"catalogType\":\"jdbc\",\"catalog.uri\":\"$CATALOG_URI\",\"catalog.name\":\"bench\",
        \"catalog.jdbc.user\":\"postgres\",\"catalog.jdbc.password-env\":\"SLUICE_S3_BENCH_PG_PASSWORD\",
        \"catalog.warehouse\":\"file:$WORK/warehouse\",\"icebergTable\":\"bench.$name\"}}}}" >/dev/null
    SYNC_LOAD=$(load1)
    local java0 pg0
    java0=$(cpu_ticks_java) pg0=$(cpu_ticks_pg)
    java_thread_ticks >"$WORK/threads-$name-before.txt"
    local perf_pid=
    if [[ ${PERF:-0} == 1 ]]; then
        perf record -q -F 499 ${PERF_ARGS:--g} -a -o "$RESULTS_DIR/perf-iceberg-sync-$name.data" >/dev/null 2>&1 & perf_pid=$!
    fi
    foreign_begin
    task=$(api POST /tasks/schedule "{\"taskType\":\"ExternalTableSyncTask\",\"tableName\":\"$name\"}" | jq -r .ExternalTableSyncTask)
    while :; do
        status=$(api GET "/tables/${name}_OFFLINE/externalTable/status")
        case $(jq -r .status <<<"$status") in
            COMPLETED) break ;;
            FAILED) die "sync failed: $status" ;;
        esac
        require_alive
        sleep 0.2
    done
    foreign_end
    if [[ -n $perf_pid ]]; then kill -TERM "$perf_pid"; wait "$perf_pid" 2>/dev/null || true; fi
    SYNC_JAVA_MS=$(ticks_ms $(( $(cpu_ticks_java) - java0 ))) SYNC_PG_MS=$(ticks_ms $(( $(cpu_ticks_pg) - pg0 )))
    java_thread_ticks >"$WORK/threads-$name-after.txt"
    log "JVM threads' CPU during the sync of $name (ms): $(thread_cpu_delta "$WORK/threads-$name-before.txt" "$WORK/threads-$name-after.txt" | head -8 | tr '\n' ' ')"
    SYNC_FOREIGN=$FOREIGN_PCT
    SYNC_S=$(calc "($(jq .endTimeMs <<<"$status") - $(jq .startTimeMs <<<"$status")) / 1000" 3)
    [ "$(jq -r .checkpointValue <<<"$status")" = "$snapshot" ] || die "checkpoint is not the table's snapshot: $status"
    loaded=$("${PSQL[@]}" -tAc "SELECT count(*) FROM sluice_data.$name")
    [ "$loaded" = "$ROWS" ] || die "the sync of $name loaded $loaded rows, not $ROWS"
    log "sync of $name ($task): ${SYNC_S}s for $(jq .segmentsGenerated <<<"$status") segments, CPU java ${SYNC_JAVA_MS} ms, PostgreSQL ${SYNC_PG_MS} ms (load $SYNC_LOAD, other processes $SYNC_FOREIGN % of one core)"
}

sync_table orders_first "$SNAPSHOT_FIRST"
FIRST_S=$SYNC_S FIRST_LOAD=$SYNC_LOAD FIRST_FOREIGN=$SYNC_FOREIGN FIRST_CPU="java ${SYNC_JAVA_MS} ms, PostgreSQL ${SYNC_PG_MS} ms"
sync_table orders_second "$SNAPSHOT_SECOND"
SECOND_S=$SYNC_S SECOND_LOAD=$SYNC_LOAD SECOND_FOREIGN=$SYNC_FOREIGN SECOND_CPU="java ${SYNC_JAVA_MS} ms, PostgreSQL ${SYNC_PG_MS} ms"

LOAD_COPY2=$(load1)
copy_once >"$WORK/copy.s"
COPY2=$(cat "$WORK/copy.s") COPY2_PG=$COPY_PG_MS
log "psql COPY again: ${COPY2}s, PostgreSQL CPU ${COPY2_PG} ms (load $LOAD_COPY2)"

COPY_MEAN=$(calc "($COPY1 + $COPY2) / 2" 3)
COPY_RPS=$(calc "$ROWS / $COPY_MEAN" 0)
FIRST_RPS=$(calc "$ROWS / $FIRST_S" 0)
SECOND_RPS=$(calc "$ROWS / $SECOND_S" 0)
FIRST_RATIO=$(calc "$FIRST_RPS / $COPY_RPS" 2)
SECOND_RATIO=$(calc "$SECOND_RPS / $COPY_RPS" 2)
UPTIME=$(uptime)

printf '\n| figure | value |\n|---|---|\n'
printf '| rows, files (each table) | %s, %s |\n' "$ROWS" "$FILES"
printf '| first sync, fresh JVM (endTimeMs - startTimeMs) | %s s = %s rows/s |\n' "$FIRST_S" "$FIRST_RPS"
printf '| second sync, warm JVM | %s s = %s rows/s |\n' "$SECOND_S" "$SECOND_RPS"
printf '| psql COPY of the same rows as CSV | %s s, %s s (mean %s s = %s rows/s) |\n' "$COPY1" "$COPY2" "$COPY_MEAN" "$COPY_RPS"
printf '| ratio sync / COPY: first, second | %s, %s (goal: first >= 1.0) |\n' "$FIRST_RATIO" "$SECOND_RATIO"
printf '| load average at COPY, first sync, second sync, COPY | %s, %s, %s, %s |\n' "$LOAD_COPY1" "$FIRST_LOAD" "$SECOND_LOAD" "$LOAD_COPY2"
printf '| CPU during the first sync; the second | %s; %s |\n' "$FIRST_CPU" "$SECOND_CPU"
printf '| PostgreSQL CPU during each psql COPY | %s ms, %s ms |\n' "$COPY1_PG" "$COPY2_PG"
printf '| other processes during the syncs | %s %%, %s %% of one core |\n' "$FIRST_FOREIGN" "$SECOND_FOREIGN"
printf '| uptime at the end | %s |\n' "$UPTIME"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(git -C "$REPO_DIR" rev-parse --short HEAD)" "$ROWS" "$FILES" "$FIRST_S" "$COPY1" "$COPY2" "$FIRST_RATIO" \
    "$FIRST_LOAD" "$FIRST_FOREIGN" "$SECOND_S" "$SECOND_RATIO" "$SECOND_LOAD" "$SECOND_FOREIGN" >>"$TSV"
cp "$APP_LOG" "$RESULTS_DIR/iceberg-sync-$(date -u +%Y%m%d-%H%M%S)-service.log"
