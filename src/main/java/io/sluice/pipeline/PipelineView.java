package io.sluice.pipeline;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.pipeline.spec.LoadStrategy;
import io.sluice.pipeline.spec.PollingSpec;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.pipeline.spec.ValidationRule;

/**
 * A pipeline with every field (selector=all, the default): the status fields plus the program,
 * configuration and source declaration.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "PipelineInfo", description = "Pipeline information: user-provided and system-generated fields.")
public class PipelineView extends PipelineStatusView {
    @JsonProperty("runtime_config") public JsonNode runtimeConfig;
    @JsonProperty("program_code") public String programCode;
    @JsonProperty("udf_rust") public String udfRust;
    @JsonProperty("udf_toml") public String udfToml;
    @JsonProperty("program_config") public JsonNode programConfig;
    @JsonProperty("program_error") @Schema(description = "Compilation errors: sql_compilation, rust_compilation, system_error") public JsonNode programError;
    @JsonProperty("program_info") @Schema(nullable = true, description = "The compiled target table") public JsonNode programInfo;
    @Schema(nullable = true, type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
            description = "selector=all: the connectors the pipeline uses, by role ({\"source\": name}); "
                    + "selector=status_with_connectors: Feldera's ConnectorStats ({\"num_errors\": rows the current or last run refused})")
    public Map<String, Object> connectors;
    @Schema(nullable = true) public SourceSpec source;
    @JsonProperty("load_strategy") public LoadStrategy loadStrategy;
    public int partitions;
    @Schema(nullable = true) public String schedule;
    @JsonProperty("max_failed_rows") @Schema(nullable = true) public Long maxFailedRows;
    @JsonProperty("row_provenance") public boolean rowProvenance;
    @Schema(nullable = true) public Map<String, List<ValidationRule>> validation;
    @Schema(nullable = true) public PollingSpec polling;
}
