package io.sluice.pipeline.spec;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.sluice.api.NamePatterns;

/** Where a pipeline reads: a connector, a prefix under it, an optional file-name glob, a format. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSpec(
        @Schema(required = true, description = "Name of a connector (/api/v1/connectors)")
        @NotBlank(message = "is required") @Pattern(regexp = NamePatterns.CONNECTOR, message = NamePatterns.CONNECTOR_MESSAGE) String connector,
        @Schema(description = "Path prefix under the connector's root or bucket", example = "customers/") String prefix,
        @Schema(description = "Glob the file names must match, e.g. *.csv") String pattern,
        @Schema(required = true) @NotNull(message = "is required (csv, jsonl, parquet)") SourceFormat format,
        @Schema(description = "Format options, e.g. {\"header\":true,\"delimiter\":\",\"}") Map<String, Object> options) {
}
