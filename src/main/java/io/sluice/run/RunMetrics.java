package io.sluice.run;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the run engine does, counted per pipeline: rows loaded, failed and skipped, bytes read, and
 * each run's outcome and duration. The engine calls it at a few places only (a run started, a batch
 * committed, a file read, a run ended), so it can be re-wired without touching the meters.
 *
 * <p>Counters count what this replica executed; Prometheus adds the replicas up. Never blocks.
 */
@ApplicationScoped
public class RunMetrics {
    static final String ROWS_LOADED = "sluice.run.rows.loaded";
    static final String ROWS_FAILED = "sluice.run.rows.failed";
    static final String ROWS_SKIPPED = "sluice.run.rows.skipped";
    static final String BYTES_READ = "sluice.run.bytes.read";
    static final String RUNS_FINISHED = "sluice.runs.finished";
    static final String RUN_DURATION = "sluice.run.duration";

    @Inject
    MeterRegistry registry;

    private final Map<UUID, Long> startedAt = new ConcurrentHashMap<>();

    /** The run began executing on this replica. */
    public void runStarted(UUID runId) {
        startedAt.put(runId, System.nanoTime());
    }

    /**
     * The run ended with {@code status} (the wire name: completed, completed_with_errors, failed);
     * its duration is measured from {@link #runStarted}, zero when it never started here.
     */
    public void runFinished(UUID runId, String pipeline, String status) {
        Long began = startedAt.remove(runId);
        long nanos = began == null ? 0 : System.nanoTime() - began;
        Counter.builder(RUNS_FINISHED).description("Runs ended on this replica, by outcome")
                .tag("pipeline", pipeline).tag("status", status).register(registry).increment();
        Timer.builder(RUN_DURATION).description("Duration of runs from start to end, by outcome")
                .tag("pipeline", pipeline).tag("status", status)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(12))
                .register(registry).record(Duration.ofNanos(nanos));
    }

    /**
     * A batch committed: {@code processed} source rows, of which {@code failed} failed validation
     * and {@code skipped} were left out (an upsert key repeated within the batch); the rest loaded.
     */
    public void batchCommitted(String pipeline, long processed, long failed, long skipped) {
        increment(ROWS_LOADED, "Rows written to target tables", pipeline, Math.max(0, processed - failed - skipped));
        increment(ROWS_FAILED, "Rows refused by validation (recorded as row errors)", pipeline, failed);
        increment(ROWS_SKIPPED, "Rows skipped as repeats of an upsert key", pipeline, skipped);
    }

    /** A source file (or a byte range of one) was read to its end. */
    public void bytesRead(String pipeline, long bytes) {
        Counter.builder(BYTES_READ).description("Bytes of source files read to their end")
                .tag("pipeline", pipeline).register(registry).increment(Math.max(0, bytes));
    }

    private void increment(String name, String description, String pipeline, long amount) {
        // Registered even at zero, so that every series exists from the first batch on.
        Counter.builder(name).description(description).tag("pipeline", pipeline)
                .register(registry).increment(amount);
    }
}
