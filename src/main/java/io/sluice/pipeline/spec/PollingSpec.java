package io.sluice.pipeline.spec;

import jakarta.validation.constraints.Min;

import org.eclipse.microprofile.openapi.annotations.media.Schema;


/** Touch-file polling (seed C). Field names are camelCase as the seed writes them. */
public record PollingSpec(
        @Schema(required = true) boolean enabled,
        @Schema(description = "Minutes between polls of an active pipeline", example = "15")
        @Min(value = 1, message = "must be at least 1") Integer intervalMinutes,
        @Schema(description = "File whose presence under the prefix starts a run", example = "_READY.dat") String touchFile,
        @Schema(description = "Prefix polled; defaults to the source prefix") String prefix,
        @Schema(description = "Delete the processed files after a successful run") Boolean deleteAfterProcess) {
}
