#!/usr/bin/env bash
# Memory of a large load (issues 3 and 9): one Sluice append run over a generated 5 GiB, 5-column CSV
# with a 256 MB heap. Goals: the run completes and loads every row; peak RSS of the service
# (VmHWM, since its start) under 400 MB. Samples VmRSS every second during the run, reads VmHWM at
# the end, and with NMT=1 takes a JVM native-memory summary a third of the way into the run.
#
# Usage: bench/load-5gb.sh            (SIZE_GB=1 bench/load-5gb.sh for a quick check)
# Environment (defaults; MAX_LOAD, LOAD_WAIT_MAX, REBUILD, KEEP_TMP: see bench/lib.sh):
#   SIZE_GB=5            size of the generated CSV in GiB (2^30 bytes); decimals allowed (0.2)
#   JAVA_OPTS=-Xmx256m -Xms64m + the image's flags of bench/lib.sh   JVM options of the service
#   PARTITIONS=1         partitions of the pipeline (the file is one file: more partitions stay idle)
#   BATCH_SIZE=          SLUICE_RUN_BATCH_SIZE (unset: the service default, 50000 capped by sluice.run.batch-cells)
#   MAX_MINUTES=120      give up waiting for the run after this long
#   RSS_GOAL_MB=400
#   NMT=0                NMT=1 adds -XX:NativeMemoryTracking=summary and saves `jcmd PID VM.native_memory summary`
#                        (the tracking itself costs ~10 MB of RSS, so the goal is judged without it)
#   KEEP_TMP=0           keep the temp dir (CSV, database, logs) -- it is large
# Refuses to start unless 3x the file size is free where the temp dir lives. Deletes everything at
# the end. Output (bench/results/, not committed): the summary on stdout and in
# load-5gb-<stamp>.txt, raw figures appended to load-5gb.tsv, the RSS samples, the run's JSON, the
# NMT summary and the service log as load-5gb-<stamp>-*.
source "$(dirname "$0")/lib.sh"

SIZE_GB=${SIZE_GB:-5}
# The caller's JAVA_OPTS, else the image's flags with the 256 MB heap this benchmark is about and a
# 64 MB initial heap. Why -Xms: in the image's container the JVM starts with 1/64 of the container's
# memory limit (8 MB under 512 MiB) and grows the heap as the load needs it; on a 24 GiB host it would
# start with 384 MB, i.e. the whole 256 MB heap committed and touched from the first minute, which is
# the host's size speaking, not the service.
JAVA_OPTS=${CALLER_JAVA_OPTS:--Xmx256m -Xms64m $IMAGE_JVM_OPTS}
PARTITIONS=${PARTITIONS:-1}
MAX_MINUTES=${MAX_MINUTES:-120}
RSS_GOAL_MB=${RSS_GOAL_MB:-400}
STAMP=$(date +%Y%m%d-%H%M%S)
RAW="$RESULTS_DIR/load-5gb.tsv"

# (%.0f, not %d: mawk clamps %d to 2^31 - 1)
BYTES=$(awk -v g="$SIZE_GB" 'BEGIN { printf "%.0f", g * 1073741824 }')
(( BYTES > 0 )) || die "SIZE_GB must be positive"
TMP_BASE=${TMPDIR:-/tmp}
FREE=$(( $(df -P -k "$TMP_BASE" | awk 'NR == 2 { print $4 }') * 1024 ))
log "file: $BYTES bytes; free under $TMP_BASE: $FREE bytes (need 3x = $(( 3 * BYTES )))"
(( FREE >= 3 * BYTES )) || die "not enough free disk under $TMP_BASE: $(( FREE >> 30 )) GiB free, need $(( 3 * BYTES >> 30 )) GiB (3x the file)"

ensure_tools psql mawk
make_workdir
mkdir -p "$RESULTS_DIR"
RSS_PID=""
cleanup_5gb() {
    local rc=$?
    if [[ -n "$RSS_PID" ]]; then kill "$RSS_PID" 2>/dev/null || true; wait "$RSS_PID" 2>/dev/null || true; fi
    cleanup
    return $rc
}
trap cleanup_5gb EXIT
trap 'exit 130' INT TERM

ensure_packaged
COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)

# ------------------------------------------------------------------ data: valid rows up to BYTES
mkdir -p "$WORK/inbox/big"
CSV="$WORK/inbox/big/big.csv"
log "generating the CSV"
t0=$(now_ms)
ROWS=$(gen_csv "$CSV" 1 1e15 "$BYTES")
SIZE=$(stat -c %s "$CSV")
log "CSV: $SIZE bytes, $ROWS rows, generated in $(( ($(now_ms) - t0) / 1000 )) s"

# ------------------------------------------------------------------ service
NMT_OPTS=""
[[ "${NMT:-0}" == 1 ]] && NMT_OPTS="-XX:NativeMemoryTracking=summary"
[[ -n "${BATCH_SIZE:-}" ]] && export SLUICE_RUN_BATCH_SIZE=$BATCH_SIZE
RUN_JAVA_OPTS=$JAVA_OPTS
JAVA_OPTS="$JAVA_OPTS $NMT_OPTS"
start_app "$WORK/data"
log "service started (JAVA_OPTS=$JAVA_OPTS), ready after $(wait_ready) ms"
use_app_postgres
create_local_connector big "$WORK/inbox"
ID=$(put_load_pipeline big big_load big "big/" append "$PARTITIONS")
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$APP_PID/status"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$APP_PID/status"; }
RSS_IDLE=$(rss_kb); HWM_IDLE=$(hwm_kb)
log "service RSS before the run: $(( RSS_IDLE / 1024 )) MB (VmHWM $(( HWM_IDLE / 1024 )) MB)"

# RSS sampler: one line a second, "epoch_ms rss_kb hwm_kb", until killed.
(
    while [[ -r /proc/$APP_PID/status ]]; do
        printf '%s %s %s\n' "$(now_ms)" "$(rss_kb 2>/dev/null)" "$(hwm_kb 2>/dev/null)"
        sleep 1
    done
) >"$WORK/rss.txt" &
RSS_PID=$!

wait_for_low_load
LOAD=$(load1)
psqlq -c CHECKPOINT
JAVA0=$(cpu_ticks_java); PG0=$(cpu_ticks_pg)
T0=$(now_ms)
RUN=$(start_run "$ID")
log "run $RUN started (load average $LOAD)"
DEADLINE=$(( T0 + MAX_MINUTES * 60000 ))
NMT_DONE=0
last_report=0
while :; do
    VIEW=$(api GET "/api/v1/pipelines/$ID/runs/$RUN")
    STATUS=$(jq -r .status <<<"$VIEW")
    case $STATUS in completed|completed_with_errors|failed) break ;; esac
    NOW=$(now_ms)
    if (( NOW > DEADLINE )); then log "run still $STATUS after $MAX_MINUTES min: giving up"; break; fi
    PROCESSED=$(jq -r .processedRows <<<"$VIEW")
    # Native memory breakdown once the load is well under way (a third of the rows).
    if [[ -n "$NMT_OPTS" && $NMT_DONE == 0 ]] && (( PROCESSED > ROWS / 3 )); then
        jcmd "$APP_PID" VM.native_memory summary >"$WORK/nmt.txt" 2>&1 || true
        NMT_DONE=1
    fi
    if (( NOW - last_report >= 30000 )); then
        log "  $STATUS: $PROCESSED / $(jq -r .totalRows <<<"$VIEW") rows, RSS $(( $(rss_kb) / 1024 )) MB, VmHWM $(( $(hwm_kb) / 1024 )) MB"
        last_report=$NOW
    fi
    sleep 5
done
WALL=$(( $(now_ms) - T0 ))
JAVA_CPU=$(ticks_ms $(( $(cpu_ticks_java) - JAVA0 ))); PG_CPU=$(ticks_ms $(( $(cpu_ticks_pg) - PG0 )))
HWM_END=$(hwm_kb)
kill "$RSS_PID" 2>/dev/null || true; wait "$RSS_PID" 2>/dev/null || true; RSS_PID=""
printf '%s\n' "$VIEW" >"$WORK/run.json"

DUR=$(jq -r .durationMs "$WORK/run.json")
PROCESSED=$(jq -r .processedRows "$WORK/run.json")
FAILED=$(jq -r .failedRows "$WORK/run.json")
TOTAL=$(jq -r .totalRows "$WORK/run.json")
STAGES=$(run_stages "$WORK/run.json")
log "counting the rows in the table"
IN_TABLE=$(psqlq -Atc "SELECT count(*) FROM sluice_data.big_load")
TABLE_BYTES=$(psqlq -Atc "SELECT pg_total_relation_size('sluice_data.big_load')")
PEAK_SAMPLED=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$WORK/rss.txt")
SAMPLES=$(wc -l <"$WORK/rss.txt")
ROWS_S=$(awk -v r="$PROCESSED" -v d="$DUR" 'BEGIN { printf "%d", (d > 0 ? r / (d / 1000) : 0) }')
MB_S=$(awk -v b="$SIZE" -v d="$DUR" 'BEGIN { printf "%.1f", (d > 0 ? b / 1048576 / (d / 1000) : 0) }')
PEAK_MB=$(( HWM_END / 1024 ))
GOAL=$([[ $STATUS == completed && $IN_TABLE == "$ROWS" && $PEAK_MB -lt $RSS_GOAL_MB ]] && echo met || echo "NOT met")

[[ -f "$RAW" ]] || printf 'stamp\tcommit\tsize_bytes\trows\tjava_opts\tpartitions\tbatch_size\tstatus\tduration_ms\twall_ms\tprocessed\tfailed\trows_in_table\trows_per_s\trss_idle_kb\tpeak_sampled_rss_kb\tvmhwm_end_kb\tjava_cpu_ms\tpg_cpu_ms\ttable_bytes\tload1\tstages\n' >"$RAW"
printf '%s\t' "$STAMP" "$COMMIT" "$SIZE" "$ROWS" "$RUN_JAVA_OPTS" "$PARTITIONS" "${BATCH_SIZE:-default}" "$STATUS" "$DUR" "$WALL" \
    "$PROCESSED" "$FAILED" "$IN_TABLE" "$ROWS_S" "$RSS_IDLE" "$PEAK_SAMPLED" "$HWM_END" "$JAVA_CPU" "$PG_CPU" "$TABLE_BYTES" "$LOAD" >>"$RAW"
printf '%s\n' "$STAGES" >>"$RAW"
cp "$WORK/rss.txt" "$RESULTS_DIR/load-5gb-$STAMP-rss.txt"
cp "$WORK/run.json" "$RESULTS_DIR/load-5gb-$STAMP-run.json"
[[ -f "$WORK/nmt.txt" ]] && cp "$WORK/nmt.txt" "$RESULTS_DIR/load-5gb-$STAMP-nmt.txt"

{
    echo "load-5gb $STAMP, commit $COMMIT; $(nproc) cores; JAVA_OPTS='$JAVA_OPTS'; MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}; partitions $PARTITIONS; batch ${BATCH_SIZE:-default}"
    printf '%-28s %s\n' "file" "$SIZE bytes ($(awk -v b="$SIZE" 'BEGIN { printf "%.2f GiB", b / 1073741824 }')), $ROWS rows"
    printf '%-28s %s\n' "run status" "$STATUS (processed $PROCESSED of $TOTAL, failed $FAILED; $IN_TABLE rows in the table)"
    printf '%-28s %s\n' "durationMs / wall" "$DUR ms / $WALL ms ($STAGES)"
    printf '%-28s %s\n' "throughput" "$ROWS_S rows/s, $MB_S MiB/s of CSV"
    printf '%-28s %s\n' "RSS idle before the run" "$(( RSS_IDLE / 1024 )) MB"
    printf '%-28s %s\n' "peak RSS sampled (1/s)" "$(( PEAK_SAMPLED / 1024 )) MB over $SAMPLES samples"
    printf '%-28s %s\n' "VmHWM at the end" "$PEAK_MB MB (goal < $RSS_GOAL_MB MB)"
    printf '%-28s %s\n' "CPU during the run" "java $(( JAVA_CPU / 1000 )) s, PostgreSQL $(( PG_CPU / 1000 )) s"
    printf '%-28s %s\n' "target table" "$(( TABLE_BYTES >> 20 )) MiB with its index"
    printf '%-28s %s\n' "load average before" "$LOAD"
    printf '%-28s %s\n' "goal" "$GOAL"
    if [[ -f "$WORK/nmt.txt" ]]; then
        echo "JVM native memory (NMT, a third into the run): committed KB by category"
        awk '/^Total:/ || /^-  *[A-Za-z ]+\(reserved=/ { print "   " $0 }' "$WORK/nmt.txt" | sed 's/, *reserved=[0-9]*KB//; s/(reserved=[0-9]*KB, /(/' | head -30
    fi
} | tee "$RESULTS_DIR/load-5gb-$STAMP.txt"
cp "$APP_LOG" "$RESULTS_DIR/load-5gb-$STAMP-sluice.log"
log "raw figures appended to $RAW"
