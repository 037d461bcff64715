package io.sluice.pipeline.spec;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a user declares about a pipeline: the body of {@code PUT}/{@code POST /v0/pipelines}; a
 * {@code PATCH} body holds any subset of it. Unknown fields are refused (quarkus.jackson.fail-on-unknown-properties).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "PipelineRequest")
public record PipelineRequest(
        @Schema(description = "Unique pipeline name (POST only; PUT takes it from the path)", example = "customers",
                pattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$", maxLength = 100) String name,
        @Schema(description = "Free text", example = "Daily customer import") String description,
        @Schema(description = "Free-form labels (Feldera's ClientMetadata); default none") List<String> tags,
        @JsonProperty("runtime_config") @Schema(description = "Runtime configuration; unspecified entries take their defaults") ObjectNode runtimeConfig,
        @JsonProperty("program_config") @Schema(description = "Program configuration (profile, cache, runtime_version)") ObjectNode programConfig,
        @JsonProperty("program_code") @Schema(description = "One CREATE TABLE statement for the target table", example = "CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)") String programCode,
        @JsonProperty("udf_rust") @Schema(description = "Kept for compatibility; unused") String udfRust,
        @JsonProperty("udf_toml") @Schema(description = "Kept for compatibility; unused") String udfToml,
        SourceSpec source,
        @JsonProperty("load_strategy") LoadStrategy loadStrategy,
        @Schema(description = "Parallelism of a run", minimum = "1", maximum = "64") Integer partitions,
        @Schema(description = "Quartz cron (with seconds) starting runs of an active pipeline", example = "0 0 2 * * ?", nullable = true) String schedule,
        @JsonProperty("max_failed_rows") @Schema(description = "A run fails once more rows than this fail validation; null: no limit", nullable = true) Long maxFailedRows,
        @Schema(description = "Per-column validation rules") Map<String, List<ValidationRule>> validation,
        PollingSpec polling) {
}
