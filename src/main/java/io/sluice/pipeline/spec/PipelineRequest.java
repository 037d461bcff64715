package io.sluice.pipeline.spec;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sluice.api.NamePatterns;

/**
 * What a user declares about a pipeline: the body of {@code PUT}/{@code POST /v0/pipelines} (a
 * {@code PATCH} body is {@link PipelinePatch}). Unknown fields are refused
 * (quarkus.jackson.fail-on-unknown-properties). The constraints check a request at the HTTP door
 * and shape the OpenAPI schema; the pipeline's own validator checks the rest (cron, paths, options)
 * and every declaration whatever its origin (external tables build theirs in code).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "PipelineRequest")
public record PipelineRequest(
        @Schema(description = "Unique pipeline name (POST only; PUT takes it from the path)", example = "customers")
        @Pattern(regexp = NamePatterns.NEW_PIPELINE, message = NamePatterns.NEW_PIPELINE_MESSAGE)
        @Size(min = 1, max = 100, message = NamePatterns.NEW_PIPELINE_MESSAGE) String name,
        @Schema(description = "Free text", example = "Daily customer import") String description,
        @Schema(description = "Free-form labels (Feldera's ClientMetadata); default none") List<@NotNull(message = "must not hold null") String> tags,
        @JsonProperty("runtime_config") @Schema(description = "Runtime configuration; unspecified entries take their defaults") ObjectNode runtimeConfig,
        @JsonProperty("program_config") @Schema(description = "Program configuration (profile, cache, runtime_version)") ObjectNode programConfig,
        @JsonProperty("program_code") @Schema(description = "One CREATE TABLE statement for the target table", example = "CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT NOT NULL, age INT)") String programCode,
        @JsonProperty("udf_rust") @Schema(description = "Kept for compatibility; unused") String udfRust,
        @JsonProperty("udf_toml") @Schema(description = "Kept for compatibility; unused") String udfToml,
        @Valid SourceSpec source,
        @JsonProperty("load_strategy") LoadStrategy loadStrategy,
        @Schema(description = "Parallelism of a run")
        @Min(value = 1, message = PARTITIONS_MESSAGE) @Max(value = MAX_PARTITIONS, message = PARTITIONS_MESSAGE) Integer partitions,
        @Schema(description = "Quartz cron (with seconds) starting runs of an active pipeline", example = "0 0 2 * * ?", nullable = true) String schedule,
        @JsonProperty("max_failed_rows") @Schema(description = "A run fails once more rows than this fail validation; null: no limit", nullable = true)
        @Min(value = 0, message = MAX_FAILED_ROWS_MESSAGE) Long maxFailedRows,
        @JsonProperty("row_provenance") @Schema(description = "Whether loaded rows record their source file and row"
                + " (_sluice_file_id, _sluice_row) so that changed files can be replaced exactly; default true. With false,"
                + " a reload that would need them (a file changed after rows of it were loaded) is refused", nullable = true)
        Boolean rowProvenance,
        @Schema(description = "Per-column validation rules") Map<String, List<@Valid @NotNull(message = "must be a rule") ValidationRule>> validation,
        @Valid PollingSpec polling) {

    public static final int MAX_PARTITIONS = 64;
    public static final String PARTITIONS_MESSAGE = "must be between 1 and " + MAX_PARTITIONS;
    public static final String MAX_FAILED_ROWS_MESSAGE = "must be 0 or more, or null";
}
