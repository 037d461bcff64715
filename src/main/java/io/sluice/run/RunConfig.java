package io.sluice.run;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How runs execute. */
@ConfigMapping(prefix = "sluice.run")
public interface RunConfig {
    /** Rows per batch: each batch is one COPY and one transaction with its checkpoint. */
    @WithDefault("10000")
    int batchSize();

    /** A pending or running run whose replica gave no sign of life for this long is marked failed and interrupted (then resumed). */
    @WithDefault("30s")
    Duration heartbeatTimeout();

    /**
     * When a CSV run has more partitions than files, files are cut into byte ranges (at record
     * boundaries) loaded by partitions in parallel, each range at least this large.
     */
    @WithDefault("4M")
    io.quarkus.runtime.configuration.MemorySize splitMinSize();

    /** Provisioning of the target table by a run waits at most this long for locks. */
    @WithDefault("30s")
    Duration tableLockTimeout();
}
