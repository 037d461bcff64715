#!/usr/bin/env bash
# External table sync throughput (issue 4): an Iceberg table of FILES Parquet files holding ROWS
# rows in all (JDBC catalog in the embedded PostgreSQL, data files on the local disk, written by
# Iceberg's own Parquet writer) synced by one POST /tasks/schedule, against psql COPY of the same
# rows as CSV into a table of the same shape, measured in the same run on the same PostgreSQL.
# Goal: sync rows/s at least 0.5 x COPY rows/s.
#
#   bench/iceberg-sync.sh
#
# Sync time is the watcher status' endTimeMs - startTimeMs: catalog scan, planning, reading,
# converting and loading every file as a segment. COPY time is psql's \copy wall time, run once
# before and once after the sync (the ratio uses their mean).
# Knobs: FILES (default 100), ROWS (default 1000000), and those of bench/lib.sh.
# Output: a table on stdout; one line per run appended to bench/results/iceberg-sync.tsv.

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
start_app "$WORK/data"
READY_MS=$(wait_ready)
log "ready after ${READY_MS} ms on $APP_URL"
PG_PORT=$(sed -n 4p "$APP_DATA/postgres/postmaster.pid")
PG_URI="postgresql://127.0.0.1:$PG_PORT/postgres?user=postgres"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "$PG_URI")

log "writing the Iceberg table: $FILES files, $ROWS rows (and the same rows as CSV)"
mkdir -p "$WORK/warehouse"
SNAPSHOT=$(java -cp "$CP" "$BENCH_DIR/iceberg/WriteIcebergTable.java" "jdbc:$PG_URI" "file:$WORK/warehouse" bench \
    bench.orders "$FILES" "$ROWS" "$WORK/rows.csv" 2>"$WORK/writer.log" | tail -1) || { cat "$WORK/writer.log" >&2; die "writer failed"; }
log "snapshot $SNAPSHOT, $(du -sh "$WORK/warehouse" | cut -f1) of Parquet, $(du -sh "$WORK/rows.csv" | cut -f1) of CSV"

copy_once() { # prints seconds
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS public.copy_baseline" -c "CREATE TABLE public.copy_baseline (id bigint,
        customer text, amount numeric(10,2), ordered_at timestamptz, day date, quantity integer, paid boolean,
        score double precision)"
    local t0 t1
    t0=$(date +%s%N)
    "${PSQL[@]}" -c "\\copy public.copy_baseline FROM '$WORK/rows.csv' WITH (FORMAT csv)"
    t1=$(date +%s%N)
    [ "$("${PSQL[@]}" -tAc "SELECT count(*) FROM public.copy_baseline")" = "$ROWS" ] || die "COPY loaded a different row count"
    calc "($t1 - $t0) / 1e9" 3
}

LOAD_COPY1=$(load1)
COPY1=$(copy_once)
log "psql COPY: ${COPY1}s (load $LOAD_COPY1)"

api POST /tables "{\"tableName\":\"orders\",\"tableType\":\"OFFLINE\",\"schema\":null,\"task\":{\"taskTypeConfigsMap\":{
    \"ExternalTableSyncTask\":{\"catalogType\":\"jdbc\",\"catalog.uri\":\"jdbc:$PG_URI\",\"catalog.name\":\"bench\",
    \"catalog.warehouse\":\"file:$WORK/warehouse\",\"icebergTable\":\"bench.orders\"}}}}" >/dev/null
LOAD_SYNC=$(load1)
foreign_begin
TASK=$(api POST /tasks/schedule '{"taskType":"ExternalTableSyncTask","tableName":"orders"}' | jq -r .ExternalTableSyncTask)
while :; do
    STATUS=$(api GET /tables/orders_OFFLINE/externalTable/status)
    case $(jq -r .status <<<"$STATUS") in
        COMPLETED) break ;;
        FAILED) die "sync failed: $STATUS" ;;
    esac
    require_alive
    sleep 0.2
done
foreign_end
SYNC_FOREIGN=$FOREIGN_PCT
SYNC_S=$(calc "($(jq .endTimeMs <<<"$STATUS") - $(jq .startTimeMs <<<"$STATUS")) / 1000" 3)
[ "$(jq -r .checkpointValue <<<"$STATUS")" = "$SNAPSHOT" ] || die "checkpoint is not the table's snapshot: $STATUS"
LOADED=$("${PSQL[@]}" -tAc "SELECT count(*) FROM sluice_data.orders")
[ "$LOADED" = "$ROWS" ] || die "the sync loaded $LOADED rows, not $ROWS"
log "sync ($TASK): ${SYNC_S}s for $(jq .segmentsGenerated <<<"$STATUS") segments (load $LOAD_SYNC, other processes $SYNC_FOREIGN % of one core)"

LOAD_COPY2=$(load1)
COPY2=$(copy_once)
log "psql COPY again: ${COPY2}s (load $LOAD_COPY2)"

COPY_MEAN=$(calc "($COPY1 + $COPY2) / 2" 3)
SYNC_RPS=$(calc "$ROWS / $SYNC_S" 0)
COPY_RPS=$(calc "$ROWS / $COPY_MEAN" 0)
RATIO=$(calc "$SYNC_RPS / $COPY_RPS" 2)
UPTIME=$(uptime)

printf '\n| figure | value |\n|---|---|\n'
printf '| rows, files | %s, %s |\n' "$ROWS" "$FILES"
printf '| sync (endTimeMs - startTimeMs) | %s s = %s rows/s |\n' "$SYNC_S" "$SYNC_RPS"
printf '| psql COPY of the same rows as CSV | %s s, %s s (mean %s s = %s rows/s) |\n' "$COPY1" "$COPY2" "$COPY_MEAN" "$COPY_RPS"
printf '| ratio sync / COPY | %s (goal >= 0.5) |\n' "$RATIO"
printf '| load average at COPY, sync, COPY | %s, %s, %s |\n' "$LOAD_COPY1" "$LOAD_SYNC" "$LOAD_COPY2"
printf '| other processes during the sync | %s %% of one core |\n' "$SYNC_FOREIGN"
printf '| uptime at the end | %s |\n' "$UPTIME"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(git -C "$REPO_DIR" rev-parse --short HEAD)" \
    "$ROWS" "$FILES" "$SYNC_S" "$COPY1" "$COPY2" "$RATIO" "$LOAD_SYNC" "$SYNC_FOREIGN" >>"$TSV"
