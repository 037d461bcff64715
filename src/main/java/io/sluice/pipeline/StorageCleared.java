package io.sluice.pipeline;

import java.util.UUID;

/** Fired (asynchronously) when a pipeline's storage was cleared: its loaded data is gone. */
public record StorageCleared(UUID pipelineId, String pipelineName) {
}
