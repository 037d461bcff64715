package io.sluice.pipeline;

/** Which fields a pipeline read returns: {@code all} (default) or only the {@code status} fields. */
public enum PipelineSelector {
    all, status
}
