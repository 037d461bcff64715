#!/usr/bin/env bash
# Watching a 1,000,000-row run to its end (issue 12, live status): requests and bytes a client
# needs, four ways, all watching the same run at the same time (same duration, same batches):
#   poll      GET .../progress every second, full body each time
#   etag      the same GET every second with If-None-Match: 304 while nothing changed
#   longpoll  GET .../progress?wait=30s with If-None-Match, again at once after each answer
#   sse       one GET with Accept: text/event-stream; the server ends it after the finished run
# Bytes are what curl counts on the wire per request: response headers + body received, request
# sent (curl -w size_header, size_download, size_request). "end seen" is how long after the run's
# finishedAt the client knew the run had ended.
#
#   bench/live-status.sh
#
# Knobs: ROWS (default 1000000), BATCH (SLUICE_RUN_BATCH_SIZE, default 10000), WAIT (long-poll
# wait, default 30s), and those of bench/lib.sh (JAVA_OPTS, MAX_LOAD, REBUILD, KEEP_TMP, ...).
# Output: a table on stdout and in bench/results/live-status-<stamp>.txt; one line per client
# appended to bench/results/live-status.tsv.
source "$(dirname "$0")/lib.sh"

ROWS=${ROWS:-1000000}
BATCH=${BATCH:-10000}
WAIT=${WAIT:-30s}
STAMP=$(date +%Y%m%d-%H%M%S)
RAW=$RESULTS_DIR/live-status.tsv
SUMMARY=$RESULTS_DIR/live-status-$STAMP.txt

ensure_tools mawk
ensure_packaged
mkdir -p "$RESULTS_DIR"
make_workdir

log "generating $ROWS rows"
mkdir -p "$WORK/inbox/live"
gen_csv "$WORK/inbox/live/data.csv" 1 "$ROWS" >/dev/null
log "CSV: $(du -h "$WORK/inbox/live/data.csv" | cut -f1)"

wait_for_low_load
SLUICE_RUN_BATCH_SIZE=$BATCH start_app "$WORK/data"
wait_ready >/dev/null
create_local_connector inbox "$WORK/inbox"
ID=$(put_load_pipeline bench_live bench_live inbox live/ append 1)

finished() { [[ $1 =~ \"status\":\"(completed|completed_with_errors|failed)\" ]]; }

# Each client writes "requests bytes_down bytes_up" and the time it saw the end (ms) to $WORK/<mode>.
count() { # MODE: adds one request's "size_header size_download size_request" (stdin) to the totals
    read -r h d u
    REQ=$((REQ + 1)); DOWN=$((DOWN + h + d)); UP=$((UP + u))
}

client_poll() { # MODE [etag]
    local mode=$1 conditional=${2:-} url=$APP_URL/api/v1/pipelines/$ID/runs/$RUN/progress etag="" body code
    REQ=0; DOWN=0; UP=0
    while :; do
        curl -s -D "$WORK/$mode.h" -o "$WORK/$mode.b" -H "Authorization: Bearer $BENCH_KEY" \
            ${etag:+-H "If-None-Match: $etag"} -w '%{size_header} %{size_download} %{size_request}\n' "$url" \
            >"$WORK/$mode.w"
        count <"$WORK/$mode.w"
        code=$(head -1 "$WORK/$mode.h" | cut -d' ' -f2)
        if [ "$code" = 200 ]; then
            [ -n "$conditional" ] && etag=$(grep -i '^etag:' "$WORK/$mode.h" | cut -d' ' -f2- | tr -d '\r')
            body=$(<"$WORK/$mode.b")
            finished "$body" && break
        fi
        sleep 1
    done
    echo "$REQ $DOWN $UP $(now_ms)" >"$WORK/$mode"
}

client_longpoll() {
    local url=$APP_URL/api/v1/pipelines/$ID/runs/$RUN/progress etag="" body code
    REQ=0; DOWN=0; UP=0
    while :; do
        curl -s -D "$WORK/lp.h" -o "$WORK/lp.b" -H "Authorization: Bearer $BENCH_KEY" \
            ${etag:+-H "If-None-Match: $etag"} -w '%{size_header} %{size_download} %{size_request}\n' \
            "$url${etag:+?wait=$WAIT}" >"$WORK/lp.w"
        count <"$WORK/lp.w"
        code=$(head -1 "$WORK/lp.h" | cut -d' ' -f2)
        if [ "$code" = 200 ]; then
            etag=$(grep -i '^etag:' "$WORK/lp.h" | cut -d' ' -f2- | tr -d '\r')
            body=$(<"$WORK/lp.b")
            finished "$body" && break
        fi
    done
    echo "$REQ $DOWN $UP $(now_ms)" >"$WORK/longpoll"
}

client_sse() {
    REQ=0; DOWN=0; UP=0
    curl -s -N -H 'Accept: text/event-stream' -H "Authorization: Bearer $BENCH_KEY" -o "$WORK/sse.b" \
        -w '%{size_header} %{size_download} %{size_request}\n' \
        "$APP_URL/api/v1/pipelines/$ID/runs/$RUN/progress" >"$WORK/sse.w"
    count <"$WORK/sse.w"
    echo "$REQ $DOWN $UP $(now_ms) $(grep -c '^data:' "$WORK/sse.b")" >"$WORK/sse"
}

RUN=$(start_run "$ID")
T0=$(now_ms)
log "run $RUN started; four clients watching"
client_poll poll & P1=$!
client_poll etag conditional & P2=$!
client_longpoll & P3=$!
client_sse & P4=$!
wait $P1 $P2 $P3 $P4
VIEW=$(api GET "/api/v1/pipelines/$ID/runs/$RUN")
require_alive
FINISHED_MS=$(date -d "$(jq -r .finishedAt <<<"$VIEW")" +%s%3N)
STARTED_MS=$(date -d "$(jq -r .startedAt <<<"$VIEW")" +%s%3N)
RUN_S=$(calc "($FINISHED_MS - $STARTED_MS) / 1000" 1)
STATUS=$(jq -r .status <<<"$VIEW")
ROWS_DONE=$(jq -r .processedRows <<<"$VIEW")
stop_app >/dev/null

[ -f "$RAW" ] || printf 'stamp\tcommit\trows\tbatch\trun_s\tmode\trequests\tbytes_down\tbytes_up\tend_seen_ms\n' >"$RAW"
{
    machine_info
    printf 'run: %s rows, batch %s, %s, %s s (startedAt..finishedAt), load %s\n' "$ROWS_DONE" "$BATCH" "$STATUS" "$RUN_S" "$(load1)"
    printf '| client | requests | bytes received | bytes sent | end seen after |\n|---|---|---|---|---|\n'
    for mode in poll etag longpoll sse; do
        read -r req down up seen events <"$WORK/$mode"
        printf '| %s | %s | %s | %s | %s ms |\n' "$mode" "$req" "$down" "$up" "$((seen - FINISHED_MS))"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$STAMP" "$(git -C "$REPO_DIR" rev-parse --short HEAD)" \
            "$ROWS_DONE" "$BATCH" "$RUN_S" "$mode" "$req" "$down" "$up" "$((seen - FINISHED_MS))" >>"$RAW"
        [ "$mode" = sse ] && printf '(sse: %s progress events in the one response)\n' "$events" >&2
    done
} | tee "$SUMMARY"
