package io.sluice.run;

import java.util.List;
import java.util.UUID;

import io.sluice.source.SourceFile;
import io.sluice.source.SourceStore;

/** Fired (synchronously, on the run's thread) when a run completed, with or without row errors. */
public record RunFinished(UUID runId, UUID pipelineId, String trigger, RunStatus status, SourceStore store,
        String prefix, List<SourceFile> files) {
}
