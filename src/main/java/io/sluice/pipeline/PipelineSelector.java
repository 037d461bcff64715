package io.sluice.pipeline;

/**
 * Which fields a pipeline read returns: {@code all} (default) or only the {@code status} fields;
 * Feldera's {@code status_with_connectors} adds its connector statistics, {@code connectors.num_errors}:
 * the rows the pipeline's current or last run refused (see {@link PipelineStats#connectors}).
 */
public enum PipelineSelector {
    all, status, status_with_connectors;

    boolean statusOnly() {
        return this != all;
    }
}
