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
}
