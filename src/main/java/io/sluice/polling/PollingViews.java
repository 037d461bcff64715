package io.sluice.polling;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.sluice.pipeline.spec.PollingSpec;
import io.sluice.run.RunStatus;

/** The poll responses of seed C, exactly. */
public final class PollingViews {
    private PollingViews() {
    }

    @Schema(name = "PolledPipeline")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PolledPipeline(@Schema(required = true) UUID id, @Schema(required = true) String name,
            @Schema(required = true) String connector, @Schema(required = true, enumeration = { "local", "s3" }) String connectorType,
            @Schema(required = true) PollingSpec polling, @Schema(nullable = true) Instant lastRunAt,
            @Schema(nullable = true) RunStatus lastRunStatus) {
    }

    @Schema(name = "PollingStatus")
    public record Status(@Schema(required = true) List<PolledPipeline> pipelines, @Schema(required = true) int total) {
    }

    @Schema(name = "PollingCycle")
    public record Cycle(@Schema(required = true) String message, @Schema(required = true) int checked,
            @Schema(required = true) int triggered) {
    }
}
