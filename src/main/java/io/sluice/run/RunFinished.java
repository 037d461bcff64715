package io.sluice.run;

import java.util.List;
import java.util.UUID;

import io.sluice.source.SourceFile;
import io.sluice.source.SourceStore;

/**
 * Fired (synchronously, on the run's thread) when a run completed, with or without row errors.
 * {@code origin}: the trigger of the first run of its retry chain ({@code trigger} itself when it
 * retries nothing), so that a polled run completed by a retry is still cleaned up as a polled one.
 */
public record RunFinished(UUID runId, UUID pipelineId, String trigger, RunStatus status, SourceStore store,
        String prefix, List<SourceFile> files, String origin) {
}
