#!/usr/bin/env bash
# Loading speed (issue 3): Sluice runs against the best psql technique on the same 1,000,000-row,
# 5-column CSV, the same embedded PostgreSQL, the same service start, as a ratio of rows/s
# (goals: append >= 0.6, upsert >= 0.7, validation on):
#   append: psql \copy into the table             vs  a Sluice append run (validation on)
#   upsert: psql \copy into a TEMP table, then INSERT ... SELECT ... ON CONFLICT (id) DO UPDATE
#           (one psql session)                     vs  a Sluice upsert run, both into a table
#                                                      already holding the rows
# Each measurement gets a fresh target table, a CHECKPOINT before it, and (for Sluice) a fresh
# pipeline, since a pipeline never loads the same file twice. Medians of REPS repetitions.
#
# Usage: bench/load-csv.sh
# Environment (defaults; MAX_LOAD, LOAD_WAIT_MAX, JAVA_OPTS, REBUILD, KEEP_TMP: see bench/lib.sh):
#   ROWS=1000000          rows of the CSV (5 columns: id bigint, email text, age int, city text, created date)
#   REPS=3                repetitions of each measurement (median reported)
#   PERF=0                1: record every measurement with `perf record -a $PERF_ARGS` (default -g) into bench/results/perf-*.data
#   PARTITIONS="1 2"      Sluice partitions tried; for N > 1 the one CSV is cut into N byte ranges by
#                         the run itself (SLUICE_RUN_SPLIT_MIN_SIZE=8M for the service), unless SPLIT_FILES=1:
#                         then the CSV is split into N files beforehand (partitions then take whole files)
#   BATCH_SIZES=10000     SLUICE_RUN_BATCH_SIZE values tried (one service start each), e.g. "5000 10000 20000"
#   MODES="append upsert"
#   KEY=1                 0: the table has no primary key (index-less; MODES=append only)
#   FORMAT=csv            csv, jsonl or parquet: the files Sluice loads hold the CSV's rows as JSON lines or as one
#                         Parquet file (written by Iceberg's generic Parquet writer, bench/formats/CsvToParquet.java);
#                         the psql baseline always COPYs the CSV. Not with SPLIT_FILES=1
#   WARMUP=3              after each service start, one untimed psql \copy and this many untimed Sluice append
#                         run over the whole CSV (JIT and caches warm, as in a long-running service)
#   PARALLEL_COPY=1       with SPLIT_FILES=1, also time N parallel psql \copy sessions of the N files (informative)
#   MAX_LOAD=1.5 LOAD_WAIT_MAX=600   before each measurement, wait (at most LOAD_WAIT_MAX s) for the
#                         1-min load average to drop to MAX_LOAD, then measure anyway; the load is recorded
#   DISTURB_MAX=0.35      a measurement during which other processes used more than this many cores on
#                         average (machine busy time minus the JVM and PostgreSQL) is disturbed: it is
#                         kept in the raw file (disturbed=1) and repeated, up to ATTEMPTS=4 times in all;
#                         the last attempt is summarised even if disturbed (the load is reported, not hidden)
# Output (bench/results/, not committed): the summary table on stdout and in load-csv-<stamp>.txt,
# raw figures of every measurement appended to load-csv.tsv, each run's JSON and the service log
# of each batch size as load-csv-<stamp>-*.
source "$(dirname "$0")/lib.sh"

ROWS=${ROWS:-1000000}
REPS=${REPS:-3}
PERF=${PERF:-0}
PARTITIONS=${PARTITIONS:-"1 2"}
BATCH_SIZES=${BATCH_SIZES:-10000}
MODES=${MODES:-"append upsert"}
PARALLEL_COPY=${PARALLEL_COPY:-1}
DISTURB_MAX=${DISTURB_MAX:-0.35}
ATTEMPTS=${ATTEMPTS:-4}
WARMUP=${WARMUP:-3}
FORMAT=${FORMAT:-csv}
STAMP=$(date +%Y%m%d-%H%M%S)
RAW="$RESULTS_DIR/load-csv.tsv"
SUMMARY="$RESULTS_DIR/load-csv-$STAMP.txt"

ensure_tools psql mawk
make_workdir
mkdir -p "$RESULTS_DIR"
ensure_packaged
COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)

# ------------------------------------------------------------------ data
log "generating $ROWS rows"
mkdir -p "$WORK/inbox/p1"
gen_csv "$WORK/inbox/p1/data.csv" 1 "$ROWS" >/dev/null
CSV="$WORK/inbox/p1/data.csv"
MAXP=1
SPLIT_FILES=${SPLIT_FILES:-0}
for p in $PARTITIONS; do
    if (( p > MAXP )); then MAXP=$p; fi
    if (( p == 1 )) || [[ $SPLIT_FILES != 1 ]]; then continue; fi
    mkdir -p "$WORK/inbox/p$p"
    per=$(( (ROWS + p - 1) / p ))
    for (( i = 0; i < p; i++ )); do
        first=$(( i * per + 1 )); n=$per
        if (( first + n - 1 > ROWS )); then n=$(( ROWS - first + 1 )); fi
        gen_csv "$WORK/inbox/p$p/part-$(( i + 1 )).csv" "$first" "$n" >/dev/null
    done
done
log "CSV: $(du -h "$CSV" | cut -f1) ($(( $(wc -l <"$CSV") - 1 )) rows)"
# the folder Sluice's pipelines read (p1/ holds the CSV; fN/ the same rows in FORMAT)
SOURCE_FOLDER=p1/
case $FORMAT in
    csv) ;;
    jsonl|parquet)
        [[ $SPLIT_FILES != 1 ]] || die "SPLIT_FILES=1 is for FORMAT=csv only"
        mkdir -p "$WORK/inbox/f1"
        SOURCE_FOLDER=f1/
        if [[ $FORMAT == jsonl ]]; then
            csv_to_jsonl "$CSV" "$WORK/inbox/f1/data.jsonl"
        else
            (cd "$REPO_DIR" && ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null) \
                || die "cannot resolve the test classpath"
            java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(cat "$WORK/cp.txt")" "$BENCH_DIR/formats/CsvToParquet.java" "$CSV" "$WORK/inbox/f1/data.parquet" >/dev/null \
                || die "Parquet writer failed"
        fi
        log "$FORMAT: $(du -h "$WORK/inbox/f1"/data.* | cut -f1)"
        ;;
    *) die "FORMAT must be csv, jsonl or parquet, not $FORMAT" ;;
esac

[[ -f "$RAW" ]] || printf 'stamp\tcommit\tbatch_size\tmode\tmethod\tpartitions\trep\tms\twall_ms\trows_in_table\tstatus\tprocessed\tfailed\tjava_cpu_ms\tpg_cpu_ms\tbusy_ms\tload1\tstages\tother_cores\tdisturbed\n' >"$RAW"

# record batch mode method partitions rep ms wall rows status processed failed jcpu pgcpu busy load stages
# Sets DISTURBED=1 when other processes used more than DISTURB_MAX cores during the measurement and
# another attempt is left (ATTEMPT < ATTEMPTS): the caller repeats it; only the kept one is summarised.
record() {
    local other; other=$(awk -v b="${14}" -v j="${12}" -v p="${13}" -v w="$M_SPAN" 'BEGIN { printf "%.2f", (b - j - p) / w }')
    DISTURBED=0
    if awk -v o="$other" -v m="$DISTURB_MAX" 'BEGIN { exit !(o > m) }'; then DISTURBED=1; fi
    local IFS=$'\t'
    printf '%s\n' "$STAMP	$COMMIT	$*	$other	$DISTURBED" >>"$RAW"
    if (( DISTURBED == 1 )); then
        log "  disturbed: other processes used $other cores (> $DISTURB_MAX)$( (( ATTEMPT < ATTEMPTS )) && echo ': repeating')"
        if (( ATTEMPT < ATTEMPTS )); then return; fi
        DISTURBED=0
    fi
    printf '%s\n' "$*	$other" >>"$WORK/measurements.tsv"
}

# attempt FUNCTION ARGS...: runs a measurement until it is not disturbed (at most ATTEMPTS times).
attempt() {
    for (( ATTEMPT = 1; ATTEMPT <= ATTEMPTS; ATTEMPT++ )); do
        "$@"
        if (( DISTURBED == 0 )); then return; fi
    done
}

COLS='id, email, age, city, created'
UPDATE_SET='email = EXCLUDED.email, age = EXCLUDED.age, city = EXCLUDED.city, created = EXCLUDED.created'

count_rows() { psqlq -Atc "SELECT count(*) FROM $1"; }

# prefill TABLE: the table, already holding every row of the CSV, vacuumed and analyzed.
prefill() {
    empty_table "$1"
    copy_into "$1"
    psqlq -c "VACUUM ANALYZE $1"
}

# Counters around one measurement: sets M_LOAD, then M_JAVA, M_PG, M_BUSY (CPU ms) and M_SPAN (ms
# between the two) after measure_end.
measure_start() {
    psqlq -c CHECKPOINT
    wait_for_low_load
    M_LOAD=$(load1)
    M_JAVA=$(cpu_ticks_java); M_PG=$(cpu_ticks_pg); M_BUSY=$(busy_ticks); M_SPAN=$(now_ms)
    if [[ $PERF == 1 ]]; then
        perf record -q -F 499 ${PERF_ARGS:--g} -a -o "$RESULTS_DIR/perf-$STAMP-$1.data" >/dev/null 2>&1 & PERF_PID=$!
    fi
}
measure_end() {
    if [[ -n ${PERF_PID:-} ]]; then kill -TERM "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=; fi
    sleep 0.5 # lets the postmaster reap an exited psql backend into its children's CPU time
    M_JAVA=$(ticks_ms $(( $(cpu_ticks_java) - M_JAVA ))); M_PG=$(ticks_ms $(( $(cpu_ticks_pg) - M_PG )))
    M_BUSY=$(ticks_ms $(( $(busy_ticks) - M_BUSY ))); M_SPAN=$(( $(now_ms) - M_SPAN ))
}

# baseline BATCH REP MODE METHOD PARTITIONS TABLE LOADER: times LOADER TABLE (a psql load into a
# table prepared by the caller), records it, drops the table.
baseline() {
    local bs=$1 rep=$2 mode=$3 method=$4 p=$5 t=$6 loader=$7
    measure_start "$method-b$bs-r$rep"
    local t0; t0=$(now_ms)
    "$loader" "$t"
    local ms=$(( $(now_ms) - t0 ))
    measure_end
    local n; n=$(count_rows "$t")
    record "$bs" "$mode" "$method" "$p" "$rep" "$ms" "$ms" "$n" ok "$ROWS" 0 "$M_JAVA" "$M_PG" "$M_BUSY" "$M_LOAD" "-"
    log "  $method: $ms ms ($n rows)"
    psqlq -c "DROP TABLE $t"
}

copy_into() { psqlq -c "\\copy $1 ($COLS) FROM '$CSV' WITH (FORMAT csv, HEADER true)"; }

copy_parallel_into() { # N parallel psql sessions, one per file of the MAXP split
    local f pids=()
    for f in "$WORK/inbox/p$MAXP"/*.csv; do
        psqlq -c "\\copy $1 ($COLS) FROM '$f' WITH (FORMAT csv, HEADER true)" & pids+=($!)
    done
    for f in "${pids[@]}"; do wait "$f"; done
}

copy_temp_upsert_into() { # one psql session
    psqlq <<SQL
CREATE TEMP TABLE s (LIKE $1);
\\copy s ($COLS) FROM '$CSV' WITH (FORMAT csv, HEADER true)
INSERT INTO $1 ($COLS) SELECT $COLS FROM s ON CONFLICT (id) DO UPDATE SET $UPDATE_SET;
SQL
}

empty_table() { psqlq -c "DROP TABLE IF EXISTS $1" -c "CREATE TABLE $1 ($LOAD_COLUMNS)"; }

baseline_append() { # batch rep
    empty_table bench.copy_append
    baseline "$1" "$2" append psql-copy 1 bench.copy_append copy_into
}

baseline_parallel_copy() { # batch rep
    empty_table bench.copy_parallel
    baseline "$1" "$2" append "psql-copy-x$MAXP" "$MAXP" bench.copy_parallel copy_parallel_into
}

baseline_upsert() { # batch rep
    prefill bench.copy_upsert
    baseline "$1" "$2" upsert psql-copy-temp+upsert 1 bench.copy_upsert copy_temp_upsert_into
}

sluice_run() { # batch mode partitions rep
    local bs=$1 mode=$2 p=$3 rep=$4
    local table="${mode}_b${bs}_p${p}_r${rep}_a${ATTEMPT}" name="${mode}-b${bs}-p${p}-r${rep}-a${ATTEMPT}"
    local folder="p$p/"
    [[ $SPLIT_FILES == 1 ]] || folder=$SOURCE_FOLDER
    local id; id=$(put_load_pipeline "$name" "$table" bench "$folder" "$mode" "$p" "$FORMAT")
    if [[ $mode == upsert ]]; then
        psqlq -c "CREATE SCHEMA IF NOT EXISTS sluice_data"
        prefill "sluice_data.$table"
    fi
    measure_start "$name"
    local res; res=$(run_and_wait "$id" "$WORK/run-$name.json")
    measure_end
    local wall=${res% *} status=${res#* }
    local json="$WORK/run-$name.json"
    local dur processed failed
    dur=$(jq -r .durationMs "$json"); processed=$(jq -r .processedRows "$json"); failed=$(jq -r .failedRows "$json")
    local n; n=$(count_rows "sluice_data.$table")
    local stages; stages=$(run_stages "$json")
    record "$bs" "$mode" sluice "$p" "$rep" "$dur" "$wall" "$n" "$status" "$processed" "$failed" "$M_JAVA" "$M_PG" "$M_BUSY" "$M_LOAD" "$stages"
    log "  sluice $mode p=$p: durationMs $dur, wall $wall ms, $status, $n rows in table, $stages, CPU java ${M_JAVA} ms pg ${M_PG} ms"
    [[ $status == completed && $n == "$ROWS" ]] || log "  WARNING: run $status with $n rows in the table (expected $ROWS); $(jq -c '.errorMessage' "$json")"
    cp "$json" "$RESULTS_DIR/load-csv-$STAMP-run-$name.json"
    psqlq -c "DROP TABLE sluice_data.$table"
}

# ------------------------------------------------------------------ measurements
for bs in $BATCH_SIZES; do
    export SLUICE_RUN_BATCH_SIZE=$bs
    # Partitions beyond one cut the 49 MB file into byte ranges (the default threshold is 64M x 2).
    export SLUICE_RUN_SPLIT_MIN_SIZE=${SLUICE_RUN_SPLIT_MIN_SIZE:-8M}
    start_app "$WORK/data-b$bs"
    log "service started (batch size $bs${JAVA_OPTS:+, JAVA_OPTS=$JAVA_OPTS}), ready after $(wait_ready) ms"
    use_app_postgres
    create_local_connector bench "$WORK/inbox"
    psqlq -c "CREATE SCHEMA IF NOT EXISTS bench"
    psqlq -Atc "SELECT name || '=' || setting FROM pg_settings WHERE name IN
        ('shared_buffers','synchronous_commit','fsync','full_page_writes','wal_level','max_wal_size','work_mem','temp_buffers','max_connections')" \
        | tr '\n' ' ' >"$WORK/pg-settings.txt"
    log "PostgreSQL: $(cat "$WORK/pg-settings.txt")"
    if (( WARMUP > 0 )); then
        log "warm-up (not recorded)"
        empty_table bench.warmup
        copy_into bench.warmup
        psqlq -c "DROP TABLE bench.warmup"
        # several runs, over every partition count measured: one run leaves the JIT compiling the load
        # path into the timed runs (their JVM CPU halved from the first repetitions to the last)
        parts=($PARTITIONS)
        for (( w = 1; w <= WARMUP; w++ )); do
            wp=${parts[$(( (w - 1) % ${#parts[@]} ))]}
            wid=$(put_load_pipeline "warmup-b$bs-$w" "warmup_b${bs}_$w" bench "$SOURCE_FOLDER" append "$wp" "$FORMAT")
            log "  warm-up run $w (partitions $wp): $(run_and_wait "$wid" "$WORK/run-warmup.json")"
            psqlq -c "DROP TABLE sluice_data.warmup_b${bs}_$w"
        done
    fi
    for (( rep = 1; rep <= REPS; rep++ )); do
        log "batch size $bs, repetition $rep of $REPS"
        for mode in $MODES; do
            if [[ $mode == append ]]; then
                attempt baseline_append "$bs" "$rep"
                if [[ $PARALLEL_COPY == 1 && $SPLIT_FILES == 1 && $MAXP -gt 1 ]]; then attempt baseline_parallel_copy "$bs" "$rep"; fi
            else
                attempt baseline_upsert "$bs" "$rep"
            fi
            for p in $PARTITIONS; do attempt sluice_run "$bs" "$mode" "$p" "$rep"; done
        done
    done
    cp "$APP_LOG" "$RESULTS_DIR/load-csv-$STAMP-b$bs-sluice.log"
    stop_app >/dev/null
    rm -rf "$WORK/data-b$bs"
done

# ------------------------------------------------------------------ summary
{
    echo "load-csv $STAMP, commit $COMMIT, $ROWS rows ($(du -h "$CSV" | cut -f1) of CSV), Sluice reads $FORMAT, medians of $REPS"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(uname -r); $(java -version 2>&1 | head -1); PostgreSQL $(cat "$WORK/pg-settings.txt")"
    echo "Sluice ms = the run's durationMs; wall = POST to completion seen by polling. ratio = baseline ms / Sluice ms (= ratio of rows/s)."
    printf '%-6s %-7s %-22s %-3s %8s %10s %8s %7s %7s %8s %8s %8s %5s\n' batch mode method p ms rows/s wall_ms ratio ratio_w java_cpu pg_cpu other_cpu load
    awk -F'\t' -v rows="$ROWS" '
        { key = $1 FS $2 FS $3 FS $4; ms[key] = ms[key] " " $6; wall[key] = wall[key] " " $7;
          j[key] = j[key] " " $12; pg[key] = pg[key] " " $13; ld[key] = ld[key] " " $15; o[key] = o[key] " " ($14 - $12 - $13);
          if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
        function med(s,   a, k, i, t, m) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (k = i + 1; k <= m; k++) if (a[k] + 0 < a[i] + 0) { t = a[i]; a[i] = a[k]; a[k] = t }
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
        function maxof(s,   a, i, m, x) { m = split(s, a, " "); x = a[1]; for (i = 2; i <= m; i++) if (a[i] + 0 > x + 0) x = a[i]; return x }
        END {
            for (i = 1; i <= n; i++) { split(order[i], k, FS); if (k[3] ~ /^psql-copy(-temp\+upsert)?$/) base[k[1] FS k[2]] = med(ms[order[i]]) }
            for (i = 1; i <= n; i++) {
                split(order[i], k, FS); m = med(ms[order[i]]); w = med(wall[order[i]]); b = base[k[1] FS k[2]]
                printf "%-6s %-7s %-22s %-3s %8d %10d %8d %7.2f %7.2f %8d %8d %8d %5s\n", k[1], k[2], k[3], k[4], m, rows / (m / 1000), w,
                    b / m, b / w, med(j[order[i]]), med(pg[order[i]]), med(o[order[i]]), maxof(ld[order[i]])
            }
        }' "$WORK/measurements.tsv"
    echo "CPU columns: medians in ms during the measurement; other_cpu = whole-machine busy time minus the JVM and PostgreSQL"
    echo "(psql itself and any other process on the machine). Measurements where others used > $DISTURB_MAX cores were repeated"
    echo "(up to $ATTEMPTS attempts; see the disturbed column of $RAW). load = highest 1-min load average seen before a kept measurement."
    echo "goals: append ratio >= 0.6, upsert ratio >= 0.7 (issue 3)."
} | tee "$SUMMARY"
log "raw figures appended to $RAW; summary in $SUMMARY"
