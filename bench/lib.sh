# Shared helpers of the Sluice benchmarks; sourced by bench/*.sh, not run on its own.
#
# Every script starts the packaged application (target/quarkus-app/quarkus-run.jar) on a free
# loopback port with a fresh temporary SLUICE_DATA_DIR (embedded PostgreSQL and ZooKeeper) and a
# known bootstrap admin key, talks to it over HTTP only, stops it with SIGTERM and removes its
# temporary directory on exit, also when interrupted.
#
# Environment knobs common to all scripts:
#   JAVA_OPTS      JVM flags (default: those the JVM image of src/main/docker runs with, so that
#                  figures are those of the shipped container: its run-java.sh starts java with
#                  -XX:+UseParallelGC and these ratios, its Dockerfile appends the memory flags, and
#                  MALLOC_ARENA_MAX=2 as the image sets it; JAVA_OPTS=" " for the JVM's own
#                  ergonomics, G1 on a machine of 2 cores or more, and glibc's default arenas)
#   MAX_LOAD       wait before measuring while the 1-minute load average is above this (default 1.5)
#   LOAD_WAIT_MAX  wait at most this many seconds for the load to drop, then go on (default 600)
#   REBUILD=1      package the application even if target/quarkus-app exists
#   APP_JAR        the packaged application to run (default target/quarkus-app/quarkus-run.jar; another
#                  checkout's, e.g. of an earlier commit, to compare two builds in alternating runs)
#   KEEP_TMP=1     keep the temporary directory (application logs) instead of deleting it

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
RESULTS_DIR=$BENCH_DIR/results
APP_JAR=${APP_JAR:-$REPO_DIR/target/quarkus-app/quarkus-run.jar}
BENCH_KEY=${BENCH_KEY:-bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
CLK_TCK=$(getconf CLK_TCK)
# (DockerfileTest checks that the memory flags are the Dockerfile's)
IMAGE_GC_OPTS="-XX:+UseParallelGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90"
IMAGE_MEMORY_OPTS="-Djdk.nio.maxCachedBufferSize=262144 -XX:TrimNativeHeapInterval=5000"
IMAGE_JVM_OPTS="$IMAGE_GC_OPTS $IMAGE_MEMORY_OPTS"
CALLER_JAVA_OPTS=${JAVA_OPTS-}
if [[ -z "${JAVA_OPTS:-}" ]]; then
    JAVA_OPTS=$IMAGE_JVM_OPTS
    export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
fi
MAX_LOAD=${MAX_LOAD:-1.5}
LOAD_WAIT_MAX=${LOAD_WAIT_MAX:-600}

APP_PID=""
APP_PORT=""
APP_URL=""
APP_DATA=""
APP_LOG=""
WORK=""

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- tools and build

# Installs the Debian packages of the named commands (wrk, mawk, psql, ...) that are missing.
ensure_tools() {
    local missing=()
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    for tool in curl jq java; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    # Commands whose Debian package has another name.
    missing=("${missing[@]/#psql/postgresql-client}")
    log "installing ${missing[*]} from the distribution's repository (apt-get)"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y "${missing[@]}" >/dev/null 2>&1 \
        || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y "${missing[@]}" >/dev/null; } \
        || die "cannot install ${missing[*]}"
}

# Packages the application unless target/quarkus-app is there (REBUILD=1 forces it).
ensure_packaged() {
    if [ -f "$APP_JAR" ] && [ "${REBUILD:-0}" != 1 ]; then
        return 0
    fi
    [ "$APP_JAR" = "$REPO_DIR/target/quarkus-app/quarkus-run.jar" ] || die "APP_JAR $APP_JAR is not there: package its checkout first"
    log "packaging: ./mvnw -B package -DskipTests -q"
    (cd "$REPO_DIR" && ./mvnw -B package -DskipTests -q) || die "packaging failed"
}

# ---- machine

load1() { cut -d' ' -f1 /proc/loadavg; }

# Waits (at most LOAD_WAIT_MAX s) until the 1-minute load average is at most MAX_LOAD; the
# machine is shared, so a measurement taken under someone else's build is worth little.
wait_for_low_load() {
    local waited=0
    while awk -v l="$(load1)" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; do
        if [ "$waited" -ge "$LOAD_WAIT_MAX" ]; then
            log "load average still $(load1) after ${waited}s; measuring anyway (figures may be disturbed)"
            return 0
        fi
        [ "$waited" -eq 0 ] && log "load average $(load1) > $MAX_LOAD: waiting for it to drop (at most ${LOAD_WAIT_MAX}s)"
        sleep 15
        waited=$((waited + 15))
    done
    log "load average $(load1)"
}

machine_info() {
    local mem
    mem=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
    printf 'host: %s cores (nproc), %s RAM (free -g), %s, kernel %s\n' "$(nproc)" "$mem" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" "$(uname -r)"
    printf 'jdk: %s\n' "$(java -version 2>&1 | sed -n 2p)"
    printf 'JAVA_OPTS: %s\n' "$JAVA_OPTS"
    printf 'MALLOC_ARENA_MAX: %s\n' "${MALLOC_ARENA_MAX:-unset}"
    printf 'commit: %s\n' "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)"
}

# ---- temporary directory and cleanup

make_workdir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

cleanup() {
    local rc=$?
    [ -n "$APP_PID" ] && stop_app >/dev/null 2>&1 || true
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then
        if [ "${KEEP_TMP:-0}" = 1 ]; then
            log "kept $WORK"
        else
            rm -rf "$WORK"
        fi
    fi
    return $rc
}

# ---- the application

free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$(shuf -i 20000-60999 -n 1)
        if ! ss -Htln "sport = :$port" | grep -q .; then
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# start_app DATA_DIR: starts the packaged application on a free port; sets APP_PID, APP_URL,
# APP_DATA, APP_LOG and APP_T0 (nanoseconds just before the process is started).
start_app() {
    APP_DATA=$1
    APP_PORT=$(free_port)
    APP_URL=http://127.0.0.1:$APP_PORT
    APP_LOG=$WORK/app-$(date +%s%N).log
    mkdir -p "$APP_DATA"
    # shellcheck disable=SC2086
    APP_T0=$(date +%s%N)
    QUARKUS_HTTP_PORT=$APP_PORT QUARKUS_HTTP_HOST=127.0.0.1 SLUICE_DATA_DIR=$APP_DATA \
        SLUICE_AUTH_BOOTSTRAP_KEY=$BENCH_KEY \
        java $JAVA_OPTS -jar "$APP_JAR" >"$APP_LOG" 2>&1 &
    APP_PID=$!
}

# wait_ready [TIMEOUT_S]: polls /q/health/ready every 50 ms until it answers 200 with status UP;
# prints the milliseconds since APP_T0.
wait_ready() {
    local timeout=${1:-180} deadline body
    deadline=$(($(date +%s) + timeout))
    while :; do
        body=$(curl -s --max-time 2 "$APP_URL/q/health/ready" 2>/dev/null || true)
        if [ -n "$body" ] && [ "$(jq -r '.status' <<<"$body" 2>/dev/null)" = UP ]; then
            echo $((($(date +%s%N) - APP_T0) / 1000000))
            return 0
        fi
        kill -0 "$APP_PID" 2>/dev/null || { tail -30 "$APP_LOG" >&2; die "the application exited during start-up"; }
        [ "$(date +%s)" -ge "$deadline" ] && { tail -30 "$APP_LOG" >&2; die "not ready within ${timeout}s"; }
        sleep 0.05
    done
}

# alive PID: the process exists and is not a zombie. (The embedded PostgreSQL's postmaster is
# re-parented to PID 1 and, in a container, may stay a zombie for a while after it exited.)
alive() {
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# Stops the application with SIGTERM and waits for it (and its embedded PostgreSQL) to exit;
# prints the milliseconds it took.
stop_app() {
    [ -z "$APP_PID" ] && return 0
    local t0 pgpid
    t0=$(date +%s%N)
    pgpid=$(pg_postmaster_pid)
    kill -TERM "$APP_PID" 2>/dev/null || true
    for _ in $(seq 1 600); do
        alive "$APP_PID" || break
        sleep 0.1
    done
    if alive "$APP_PID"; then
        log "the application ignored SIGTERM for 60 s; killing it"
        kill -KILL "$APP_PID" 2>/dev/null || true
    fi
    wait "$APP_PID" 2>/dev/null || true
    # The application stops its embedded PostgreSQL (pg_ctl stop -w); the postmaster may take a
    # moment to go after removing its pid file. Should it still run after 10 s, stop that one server.
    PG_LINGER_MS=0
    if [ -n "$pgpid" ]; then
        local tw
        tw=$(date +%s%N)
        for _ in $(seq 1 200); do alive "$pgpid" || break; sleep 0.05; done
        PG_LINGER_MS=$((($(date +%s%N) - tw) / 1000000))
        [ "$PG_LINGER_MS" -gt 100 ] && log "embedded PostgreSQL ($pgpid) exited ${PG_LINGER_MS} ms after the application"
    fi
    if [ -n "$pgpid" ] && alive "$pgpid"; then
        log "embedded PostgreSQL ($pgpid) still running 10 s after the application exited; stopping it"
        kill -TERM "$pgpid" 2>/dev/null || true
        for _ in $(seq 1 100); do alive "$pgpid" || break; sleep 0.1; done
    fi
    APP_PID=""
    echo $((($(date +%s%N) - t0) / 1000000))
}

# Fails when the application is gone (crashed, or killed by something else on a shared machine):
# figures measured against a dead process are worthless.
require_alive() {
    [ -n "$APP_PID" ] && alive "$APP_PID" && return 0
    tail -20 "$APP_LOG" >&2 || true
    die "the application (pid $APP_PID) is no longer running; measurement void"
}

# ---- HTTP API

# api METHOD PATH [JSON]: prints the body; fails on an HTTP status >= 400.
api() {
    local method=$1 path=$2 body=${3:-} out code
    out=$(curl -s -X "$method" "$APP_URL$path" -H "Authorization: Bearer $BENCH_KEY" \
        -H 'Content-Type: application/json' ${body:+-d "$body"} -w '\n%{http_code}' || true)
    code=${out##*$'\n'}
    out=${out%$'\n'*}
    if ! [ "$code" -ge 200 ] 2>/dev/null || [ "$code" -ge 400 ]; then
        log "$method $path -> $code: $out"
        return 1
    fi
    printf '%s' "$out"
}

create_local_connector() { # NAME ROOT
    mkdir -p "$2"
    api POST /api/v1/connectors "{\"name\":\"$1\",\"type\":\"local\",\"config\":{\"root\":\"$2\"}}" >/dev/null
}

put_pipeline() { # NAME CONNECTOR: a pipeline loading CSV files into its own table NAME
    mkdir -p "$WORK/inbox/$1"
    api PUT "/v0/pipelines/$1" "{\"description\":\"benchmark\",
        \"program_code\":\"CREATE TABLE $1 (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)\",
        \"source\":{\"connector\":\"$2\",\"prefix\":\"$1/\",\"format\":\"csv\",\"options\":{\"header\":true}},
        \"load_strategy\":\"upsert\",\"partitions\":1}" >/dev/null
}

# wait_provisioned NAME [TIMEOUT_S]: until deployment_resources_status is Provisioned and the
# runtime Running.
wait_provisioned() {
    local name=$1 timeout=${2:-120} deadline status
    deadline=$(($(date +%s) + timeout))
    while :; do
        status=$(api GET "/v0/pipelines/$name?selector=status" \
            | jq -r '.deployment_resources_status + "/" + (.deployment_runtime_status // "-")')
        [ "$status" = "Provisioned/Running" ] && return 0
        [ "$(date +%s)" -ge "$deadline" ] && die "pipeline $name not provisioned within ${timeout}s (now $status)"
        sleep 0.5
    done
}

# ---- process figures

# rss_mib PID: "VmRSS VmHWM" of the process in MiB.
rss_mib() {
    awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "%.0f %.0f\n", r / 1024, h / 1024 }' "/proc/$1/status"
}

pg_postmaster_pid() {
    [ -n "$APP_DATA" ] && [ -f "$APP_DATA/postgres/postmaster.pid" ] && head -1 "$APP_DATA/postgres/postmaster.pid" || true
}

# pss_mib_pg: proportional set size of the embedded PostgreSQL (postmaster and its children) in MiB;
# PSS splits shared buffers between the processes instead of counting them once per process.
pss_mib_pg() {
    local pm total=0 kb
    pm=$(pg_postmaster_pid)
    [ -z "$pm" ] && { echo 0; return; }
    for p in $pm $(pgrep -P "$pm" || true); do
        kb=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
        total=$((total + ${kb:-0}))
    done
    echo $((total / 1024))
}

# cpu_ticks_java: user+system CPU time of the JVM in clock ticks (/proc/PID/stat fields 14, 15).
cpu_ticks_java() {
    awk '{ print $14 + $15 }' "/proc/$APP_PID/stat"
}

# java_thread_ticks: CPU ticks of the service's living threads, summed by name with digits folded
# ("sluice-run-3" and "sluice-run-7" count as "sluice-run-N"), one "name ticks" line each.
java_thread_ticks() {
    local t
    for t in /proc/"$APP_PID"/task/*; do
        # comm may hold spaces: the fields after its closing parenthesis are counted from there
        local name; name=$(tr -d '\n' <"$t/comm" 2>/dev/null | sed 's/[0-9]\+/N/g; s/ /_/g') || continue # the thread may have ended
        awk -v name="$name" \
            '{ sub(/.*\) /, ""); print name, $12 + $13 }' "$t/stat" 2>/dev/null || true
    done | awk '{ sum[$1] += $2 } END { for (n in sum) print n, sum[n] }'
}

# thread_cpu_delta BEFORE AFTER: the threads' CPU in ms between two java_thread_ticks outputs, most first.
thread_cpu_delta() {
    awk -v tck="$CLK_TCK" 'NR == FNR { before[$1] = $2; next }
        { d = $2 - before[$1]; if (d > 0) printf "%s %d\n", $1, d * 1000 / tck }' "$1" "$2" | sort -k2 -nr
}

# cpu_ticks_pg: the same for the embedded PostgreSQL: the postmaster, the children it has reaped
# (fields 16, 17) and the living children.
cpu_ticks_pg() {
    local pm total=0 t
    pm=$(pg_postmaster_pid)
    [ -z "$pm" ] && { echo 0; return; }
    total=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat" 2>/dev/null || echo 0)
    for p in $(pgrep -P "$pm" || true); do
        t=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)
        total=$((total + t))
    done
    echo "$total"
}

# busy_ticks: CPU time of the whole machine, all cores, in clock ticks (/proc/stat: user, nice,
# system, irq, softirq, steal).
busy_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# children_ms_var: CPU time (user+system, ms) of this shell's finished child processes, such as wrk.
children_ms_var() { # sets CHILDREN_MS
    # `times` must run in this shell, not in a pipeline's or substitution's subshell.
    times >"$WORK/.times"
    CHILDREN_MS=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60000 + a[2] * 1000 } printf "%.0f", t }' "$WORK/.times")
}

# The CPU (% of one core) that processes other than the application, its PostgreSQL and wrk used
# from foreign_begin to foreign_end: a measure of how much the shared machine disturbed a measurement.
foreign_begin() {
    FB_T=$(date +%s%N); FB_BUSY=$(busy_ticks); FB_JAVA=$(cpu_ticks_java); FB_PG=$(cpu_ticks_pg); children_ms_var; FB_CH=$CHILDREN_MS
}
foreign_end() { # sets FOREIGN_PCT (not a function printing it: `times` needs to run in this shell)
    local t busy java pg ch
    t=$(date +%s%N); busy=$(busy_ticks); java=$(cpu_ticks_java); pg=$(cpu_ticks_pg)
    children_ms_var
    ch=$CHILDREN_MS
    FOREIGN_PCT=$(calc "((($busy - $FB_BUSY) - ($java - $FB_JAVA) - ($pg - $FB_PG)) / $CLK_TCK - ($ch - $FB_CH) / 1000) / (($t - $FB_T) / 1e9) * 100" 0)
}

# ---- wrk

# run_wrk LABEL URL DURATION_S: 2 threads, 64 connections, bench/wrk/report.lua (Authorization
# header, machine-readable summary). Sets WRK_RPS WRK_P50 WRK_P99 WRK_MAX WRK_REQ WRK_ERR
# (latencies in ms), WRK_FOREIGN (CPU % of one core used meanwhile by other processes of the
# machine) and appends wrk's full output to $WRK_RAW.
run_wrk() {
    local label=$1 url=$2 duration=$3 out line
    foreign_begin
    out=$(BENCH_AUTH="$BENCH_KEY" wrk -t2 -c64 -d"${duration}s" --timeout 10s --latency \
        -s "$BENCH_DIR/wrk/report.lua" "$url")
    foreign_end
    WRK_FOREIGN=$FOREIGN_PCT
    { printf '### %s  %s  %ss  load %s  other processes %s %% of one core\n' "$label" "$url" "$duration" "$(load1)" "$WRK_FOREIGN"
      printf '%s\n' "$out"; } >>"${WRK_RAW:-/dev/null}"
    require_alive
    line=$(printf '%s\n' "$out" | grep '^RESULT ')
    [ -n "$line" ] || die "wrk printed no summary: $out"
    WRK_RPS=$(sed -E 's/.* rps=([^ ]+).*/\1/' <<<"$line")
    WRK_P50=$(sed -E 's/.* p50_ms=([^ ]+).*/\1/' <<<"$line")
    WRK_P99=$(sed -E 's/.* p99_ms=([^ ]+).*/\1/' <<<"$line")
    WRK_MAX=$(sed -E 's/.* max_ms=([^ ]+).*/\1/' <<<"$line")
    WRK_REQ=$(sed -E 's/.* requests=([^ ]+).*/\1/' <<<"$line")
    WRK_ERR=$(sed -E 's/.* errors=([^ ]+).*/\1/' <<<"$line")
    [ "$WRK_ERR" = 0 ] || log "$label: $WRK_ERR of $WRK_REQ requests failed (non-2xx/3xx, timeouts or socket errors)"
}

# ---- arithmetic

calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

median() { # numbers as arguments
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%g\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# ---- loading: psql against the embedded PostgreSQL, CSV files, runs (load-csv.sh, load-5gb.sh)

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# use_app_postgres: points psql (PGHOST, PGPORT, ...) at the application's embedded PostgreSQL,
# read from its postmaster.pid (line 4: the port) and postgres.password. The Debian psql client is enough:
# `ensure_tools psql` installs postgresql-client when psql is missing.
use_app_postgres() {
    local pidfile=$APP_DATA/postgres/postmaster.pid
    [ -f "$pidfile" ] || die "no $pidfile: is the embedded PostgreSQL running?"
    PGPORT=$(sed -n 4p "$pidfile")
    PGPASSWORD=$(cat "$APP_DATA/postgres.password")
    export PGHOST=127.0.0.1 PGPORT PGPASSWORD PGUSER=postgres PGDATABASE=postgres PGOPTIONS='-c client_min_messages=warning'
    log "embedded PostgreSQL on port $PGPORT ($(psqlq -Atc 'SHOW server_version'))"
}

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# The table of the load benchmarks: the same 5 columns for the psql baselines and the Sluice
# targets, and the validation rules of the Sluice pipelines. KEY=0: the same table without its
# bigint primary key (index-less; append only).
if [ "${KEY:-1}" = 0 ]; then
    LOAD_COLUMNS='id BIGINT, email TEXT NOT NULL, age INT, city TEXT, created DATE'
else
    LOAD_COLUMNS='id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT, city TEXT, created DATE'
fi
LOAD_VALIDATION='{"email":[{"rule":"email"}],"age":[{"rule":"range","min":0,"max":150}]}'

# gen_csv FILE FIRST_ID ROWS [MAX_BYTES]: valid rows "id,email,age,city,created" after a header,
# ids from FIRST_ID, until ROWS rows or MAX_BYTES bytes (header included) are written; prints the
# number of rows written.
gen_csv() {
    mawk -v out="$1" -v first="$2" -v n="$3" -v limit="${4:-1e18}" 'BEGIN {
        split("Lisbon Porto Madrid Paris Berlin Rome Vienna Prague Warsaw Oslo Dublin London Zurich Athens Sofia Riga Tallinn Vilnius Helsinki Stockholm", city, " ");
        for (k = 0; k < 1461; k++) {            # 2020-01-01 + k days (civil_from_days)
            z = 18262 + k + 719468; era = int(z / 146097); doe = z - era * 146097;
            yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365);
            doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153);
            d = doy - int((153 * mp + 2) / 5) + 1; m = mp < 10 ? mp + 3 : mp - 9; y = yoe + era * 400 + (m <= 2);
            day[k] = sprintf("%04d-%02d-%02d", y, m, d);
        }
        h = "id,email,age,city,created"; print h > out; bytes = length(h) + 1;
        last = first + n - 1;
        for (i = first; i <= last && bytes < limit; i++) {
            line = sprintf("%d,user%d@example.com,%d,%s,%s", i, i, 18 + i % 80, city[1 + i % 20], day[i % 1461]);
            print line > out; bytes += length(line) + 1;
        }
        printf "%d\n", i - first;
    }'
}

# csv_to_jsonl CSV JSONL: gen_csv's rows as JSON lines ({"id":1,"email":"...",...}; its fields need no escaping).
csv_to_jsonl() {
    mawk -F, 'NR > 1 { printf "{\"id\":%s,\"email\":\"%s\",\"age\":%s,\"city\":\"%s\",\"created\":\"%s\"}\n", $1, $2, $3, $4, $5 }' "$1" >"$2"
}

# put_load_pipeline NAME TABLE CONNECTOR PREFIX STRATEGY PARTITIONS [FORMAT]: a pipeline into TABLE
# (LOAD_COLUMNS, LOAD_VALIDATION) reading FORMAT files (csv with a header, jsonl or parquet; default
# csv); waits for its program to compile; prints the pipeline's id.
put_load_pipeline() {
    local name=$1 table=$2 connector=$3 prefix=$4 strategy=$5 partitions=$6 format=${7:-csv} status options='{}'
    [[ $format == csv ]] && options='{"header":true}'
    api PUT "/v0/pipelines/$name" "{\"description\":\"benchmark\",
        \"program_code\":\"CREATE TABLE $table ($LOAD_COLUMNS)\",
        \"source\":{\"connector\":\"$connector\",\"prefix\":\"$prefix\",\"format\":\"$format\",\"options\":$options},
        \"load_strategy\":\"$strategy\",\"partitions\":$partitions,\"validation\":$LOAD_VALIDATION}" >/dev/null
    for _ in $(seq 1 300); do
        status=$(api GET "/v0/pipelines/$name?selector=status" | jq -r .program_status)
        case $status in
            Success) api GET "/v0/pipelines/$name" | jq -r .id; return 0 ;;
            SqlError|SystemError) die "pipeline $name: program $status" ;;
        esac
        sleep 0.2
    done
    die "pipeline $name: program still $status after 60 s"
}

# start_run PIPELINE_ID: POSTs a run; prints its id.
start_run() { api POST "/api/v1/pipelines/$1/runs" | jq -r .id; }

# run_status VIEW_JSON: the run's status (bash only: no jq process while a run is measured).
run_status() { [[ $1 =~ \"status\":\"([a-z_]+)\" ]] && echo "${BASH_REMATCH[1]}" || echo unknown; }

# run_and_wait PIPELINE_ID OUT_JSON: starts a run and polls it every POLL_INTERVAL s (0.5: one
# curl, little CPU taken from the measured service on 2 cores) until it ends; writes its last view
# to OUT_JSON; prints "wall_ms status".
run_and_wait() {
    local id=$1 out=$2 t0 run view status
    t0=$(now_ms)
    run=$(start_run "$id")
    while :; do
        sleep "${POLL_INTERVAL:-0.5}"
        view=$(api GET "/api/v1/pipelines/$id/runs/$run")
        status=$(run_status "$view")
        case $status in completed|completed_with_errors|failed) break ;; esac
    done
    printf '%s\n' "$view" >"$out"
    echo "$(($(now_ms) - t0)) $status"
}

# run_stages RUN_JSON: seconds from the start to the pre-scan's log entry ("Read ...") and from
# there to the end, e.g. "prescan=0.41s load=4.2s".
run_stages() {
    jq -r '
      def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000
              + (((capture("\\.(?<f>[0-9]+)") | .f) // "0") + "000" | .[0:3] | tonumber);
      (.startedAt | ms) as $start
      | [.log[] | {m: .message, t: (.timestamp | ms)}] as $l
      | ($l | map(select(.m | startswith("Read "))) | .[0].t) as $scanned
      | "prescan=\((($scanned - $start) / 1000))s load=\(((.finishedAt | ms) - $scanned) / 1000)s"' "$1" 2>/dev/null || echo "stages=?"
}

# CPU times in ms (see cpu_ticks_java, cpu_ticks_pg, busy_ticks).
ticks_ms() { echo $(($1 * 1000 / CLK_TCK)); }
