#!/usr/bin/env bash
# COPY loading (issue 9): io.sluice.load.CopyLoad against psql \copy of the same rows as CSV, into
# fresh index-less tables of one embedded PostgreSQL (fsync off, as in the tests), plus the rate of
# the COPY text encoder alone. No application is started: this measures the load path only.
#
#   bench/copy-load.sh [ROWS [REPS [BATCH_SIZE]]]      defaults 1000000 5 10000
#
# Rows: id bigint, email text, city text, age int (1 in 97 NULL), created timestamptz. Each
# measurement gets a fresh table and a CHECKPOINT before it; one untimed round of each warms up.
# CopyLoad is timed as one COPY of all rows and as BATCH_SIZE-row batches each committed (what a
# run does), and CopyLoad.upsert in batches against psql \copy into a TEMP table + one INSERT ... ON
# CONFLICT (id) DO UPDATE, both over a keyed table already holding the rows. Medians. The encoder's
# CPU time is reported beside its wall time: on a shared machine it is the steadier figure.
# MAX_LOAD and LOAD_WAIT_MAX as in bench/lib.sh. Output on stdout only.
source "$(dirname "$0")/lib.sh"

ensure_tools psql
make_workdir
log "compiling the test classes and resolving the test classpath"
(cd "$REPO_DIR" && ./mvnw -o -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/cp.txt" >/dev/null) || die "cannot compile or resolve the test classpath"
wait_for_low_load
machine_info
java -Xmx2g -cp "$REPO_DIR/target/test-classes:$REPO_DIR/target/classes:$(cat "$WORK/cp.txt")" \
    io.sluice.load.CopyLoadMeasurement "${1:-1000000}" "${2:-5}" "${3:-10000}" "$(command -v psql)"
