package io.sluice.run;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How runs execute. */
@ConfigMapping(prefix = "sluice.run")
public interface RunConfig {
    /** Rows per batch: each batch is one INSERT and one transaction with its checkpoint. */
    @WithDefault("10000")
    int batchSize();

    /** A pending or running run whose replica gave no sign of life for this long is marked failed. */
    @WithDefault("30s")
    Duration heartbeatTimeout();

    /**
     * A CSV file at least twice this size is cut into byte ranges (at record boundaries) loaded by
     * partitions in parallel, when the run has more partitions than files.
     */
    @WithDefault("64M")
    io.quarkus.runtime.configuration.MemorySize splitMinSize();

    /** Provisioning of the target table by a run waits at most this long for locks. */
    @WithDefault("30s")
    Duration tableLockTimeout();
}
