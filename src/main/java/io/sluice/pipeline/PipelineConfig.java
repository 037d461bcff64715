package io.sluice.pipeline;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How pipelines are provisioned, reconciled and monitored. */
@ConfigMapping(prefix = "sluice.pipeline")
public interface PipelineConfig {
    /** PostgreSQL schema holding the pipelines' target tables (created when missing). */
    @WithDefault("sluice_data")
    String targetSchema();

    Reconciler reconciler();

    Monitor monitor();

    StatusCache statusCache();

    interface Reconciler {
        /** How often the reconciler looks for pipelines whose status differs from the desired one (at least 1s). */
        @WithDefault("1s")
        Duration interval();

        /** Provisioning timeout when a pipeline's runtime_config.provisioning_timeout_secs is null. */
        @WithDefault("PT10M")
        Duration provisioningTimeout();
    }

    interface Monitor {
        /** How often every pipeline is observed (events follow the seed's three rules). */
        @WithDefault("5s")
        Duration interval();

        /** Events kept per pipeline; older ones are deleted. */
        @WithDefault("720")
        int retainedEvents();
    }

    interface StatusCache {
        /**
         * Serve {@code selector=status} reads of one pipeline from memory. Entries are dropped when
         * PostgreSQL notifies a change of the row (any replica's write), and the cache is bypassed
         * while this replica is not listening.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Longest an entry is served without asking PostgreSQL again, notification or not: the
         * bound on staleness should the listening connection die without the socket noticing.
         */
        @WithDefault("5s")
        Duration maxAge();

        /** Entries kept at most (the cache empties itself when full). */
        @WithDefault("10000")
        int maxEntries();
    }
}
