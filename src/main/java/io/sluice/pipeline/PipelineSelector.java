package io.sluice.pipeline;

/**
 * Which fields a pipeline read returns: {@code all} (default) or only the {@code status} fields;
 * Feldera's {@code status_with_connectors} adds connector statistics, which a loader without
 * streaming connectors has none of, so it returns the status fields.
 */
public enum PipelineSelector {
    all, status, status_with_connectors;

    boolean statusOnly() {
        return this != all;
    }
}
