#!/usr/bin/env bash
# Reading Parquet alone (no database): 100 files / 1,000,000 rows x 8 columns written by Iceberg's
# generic Parquet writer, read by Sluice's reader into typed batches and, as the baseline, by
# Iceberg's own generic reader into Records. Each reader runs in RUNS fresh JVMs (the image's JVM
# flags) of PASSES passes: the first pass is what a fresh JVM pays (loading, JIT), the later ones
# the warm cost. Reported: medians over the JVMs of the first pass, and of the median later pass.
#
#   bench/parquet-read.sh            # RUNS=3 PASSES=8
#
# Output: a table on stdout; the passes appended to bench/results/parquet-read.tsv.

source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
PASSES=${PASSES:-8}

ensure_packaged
mkdir -p "$RESULTS_DIR"
make_workdir
TSV=$RESULTS_DIR/parquet-read.tsv
(cd "$REPO_DIR" && ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null) \
    || die "cannot resolve the test classpath"
CP="$(cat "$WORK/cp.txt"):$REPO_DIR/target/classes"
STAMP=$(date -u +%Y-%m-%dT%H:%M:%SZ)
COMMIT=$(git -C "$REPO_DIR" rev-parse --short HEAD)

log "writing the files"
java -cp "$CP" "$BENCH_DIR/formats/ParquetReadBench.java" "$WORK/files" sluice 1 >/dev/null
wait_for_low_load
for (( run = 1; run <= RUNS; run++ )); do
    for reader in sluice iceberg-generics; do
        java $IMAGE_GC_OPTS -cp "$CP" "$BENCH_DIR/formats/ParquetReadBench.java" "$WORK/files" "$reader" "$PASSES" \
            | tee -a "$WORK/passes.txt" | sed "s/^/$STAMP $COMMIT run $run /" >>"$TSV"
    done
done

# per reader: median over the JVMs of pass 0 (wall, process CPU) and of each JVM's median later pass
summary() { # reader
    awk -v r="$1" '$1 == r { gsub(/:/, "", $3); print $3, $7, $15 }' "$WORK/passes.txt" | awk -v passes="$PASSES" '
        $1 == 0 { first_wall[++f] = $2; first_cpu[f] = $3; next }
        { later[++l] = $2 }
        function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END { printf "%d %d %d\n", median(first_wall, f), median(first_cpu, f), median(later, l) }'
}
read -r S_FIRST S_FIRST_CPU S_WARM <<<"$(summary sluice)"
read -r I_FIRST I_FIRST_CPU I_WARM <<<"$(summary iceberg-generics)"
printf '\n| reader | first pass, fresh JVM: wall (process CPU) | later passes: wall |\n|---|---|---|\n'
printf '| Sluice (typed batches) | %s ms (%s ms) | %s ms |\n' "$S_FIRST" "$S_FIRST_CPU" "$S_WARM"
printf '| Iceberg generic reader (Records) | %s ms (%s ms) | %s ms |\n' "$I_FIRST" "$I_FIRST_CPU" "$I_WARM"
printf '| ratio (baseline / Sluice) | %s | %s |\n' "$(calc "$I_FIRST / $S_FIRST" 2)" "$(calc "$I_WARM / $S_WARM" 2)"
