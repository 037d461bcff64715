package io.sluice.pipeline.spec;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sluice.api.NamePatterns;

/**
 * The body of {@code PATCH /v0/pipelines/{name}}: the fields of {@link PipelineRequest}, each
 * optional, with the same constraints; a field left out keeps its stored value. Feldera's fields
 * (those of its PatchPipeline: name, description, tags, the program and the configurations) also
 * keep it when sent as null, as Feldera's SDK sends every field it does not change. Sluice's own
 * fields sent as null are cleared (no source, schedule, limit, rules or polling; the default
 * strategy and partitions).
 * <p>
 * A class with setters rather than a record: Jackson calls a setter only for a field the body has,
 * which is how "sent as null" is told from "left out" (a record's absent {@code Optional} component
 * arrives empty, like a null).
 */
@Schema(name = "PatchPipeline", description = "Partially update a pipeline: absent fields (and Feldera's fields sent as null) are unchanged.")
public final class PipelinePatch {
    /** Sluice's own fields the body has, by JSON name (no property: a body naming it is refused as unknown). */
    @Schema(hidden = true)
    private final Set<String> sent = new HashSet<>();

    @Schema(description = "A new name renames the pipeline", nullable = true)
    @Pattern(regexp = NamePatterns.NEW_PIPELINE, message = NamePatterns.NEW_PIPELINE_MESSAGE)
    @Size(min = 1, max = 100, message = NamePatterns.NEW_PIPELINE_MESSAGE)
    private String name;
    @Schema(nullable = true)
    private String description;
    @Schema(nullable = true)
    private List<@NotNull(message = "must not hold null") String> tags;
    @JsonProperty("runtime_config") @Schema(nullable = true, description = "Replaces the runtime configuration")
    private ObjectNode runtimeConfig;
    @JsonProperty("program_config") @Schema(nullable = true)
    private ObjectNode programConfig;
    @JsonProperty("program_code") @Schema(nullable = true)
    private String programCode;
    @JsonProperty("udf_rust") @Schema(nullable = true)
    private String udfRust;
    @JsonProperty("udf_toml") @Schema(nullable = true)
    private String udfToml;
    @Valid @Schema(nullable = true, description = "null: no source")
    private SourceSpec source;
    @JsonProperty("load_strategy") @Schema(nullable = true, description = "null: the default (append)")
    private LoadStrategy loadStrategy;
    @Schema(nullable = true, description = "null: the default (1)")
    @Min(value = 1, message = PipelineRequest.PARTITIONS_MESSAGE)
    @Max(value = PipelineRequest.MAX_PARTITIONS, message = PipelineRequest.PARTITIONS_MESSAGE)
    private Integer partitions;
    @Schema(nullable = true, description = "null: no schedule")
    private String schedule;
    @JsonProperty("max_failed_rows") @Schema(nullable = true, description = "null: no limit")
    @Min(value = 0, message = PipelineRequest.MAX_FAILED_ROWS_MESSAGE)
    private Long maxFailedRows;

    @JsonProperty("row_provenance") @Schema(nullable = true, description = "null: true")
    private Boolean rowProvenance;
    @Schema(nullable = true, description = "null: no rules")
    private Map<String, List<@Valid @NotNull(message = "must be a rule") ValidationRule>> validation;
    @Valid @Schema(nullable = true, description = "null: no polling")
    private PollingSpec polling;

    public void setName(String name) {
        this.name = name;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public void setTags(List<String> tags) {
        this.tags = tags;
    }

    public void setRuntimeConfig(ObjectNode runtimeConfig) {
        this.runtimeConfig = runtimeConfig;
    }

    public void setProgramConfig(ObjectNode programConfig) {
        this.programConfig = programConfig;
    }

    public void setProgramCode(String programCode) {
        this.programCode = programCode;
    }

    public void setUdfRust(String udfRust) {
        this.udfRust = udfRust;
    }

    public void setUdfToml(String udfToml) {
        this.udfToml = udfToml;
    }

    public void setSource(SourceSpec source) {
        this.source = source;
        sent.add("source");
    }

    public void setLoadStrategy(LoadStrategy loadStrategy) {
        this.loadStrategy = loadStrategy;
        sent.add("load_strategy");
    }

    public void setPartitions(Integer partitions) {
        this.partitions = partitions;
        sent.add("partitions");
    }

    public void setSchedule(String schedule) {
        this.schedule = schedule;
        sent.add("schedule");
    }

    public void setMaxFailedRows(Long maxFailedRows) {
        this.maxFailedRows = maxFailedRows;
        sent.add("max_failed_rows");
    }

    public void setRowProvenance(Boolean rowProvenance) {
        this.rowProvenance = rowProvenance;
        sent.add("row_provenance");
    }

    public void setValidation(Map<String, List<ValidationRule>> validation) {
        this.validation = validation;
        sent.add("validation");
    }

    public void setPolling(PollingSpec polling) {
        this.polling = polling;
        sent.add("polling");
    }

    /** The declaration {@code stored} with this patch's fields over it. */
    public PipelineRequest over(PipelineRequest stored) {
        return new PipelineRequest(
                name != null ? name : stored.name(),
                description != null ? description : stored.description(),
                tags != null ? tags : stored.tags(),
                runtimeConfig != null ? runtimeConfig : stored.runtimeConfig(),
                programConfig != null ? programConfig : stored.programConfig(),
                programCode != null ? programCode : stored.programCode(),
                udfRust != null ? udfRust : stored.udfRust(),
                udfToml != null ? udfToml : stored.udfToml(),
                sent("source", source, stored.source()),
                sent("load_strategy", loadStrategy, stored.loadStrategy()),
                sent("partitions", partitions, stored.partitions()),
                sent("schedule", schedule, stored.schedule()),
                sent("max_failed_rows", maxFailedRows, stored.maxFailedRows()),
                sent("row_provenance", rowProvenance, stored.rowProvenance()),
                sent("validation", validation, stored.validation()),
                sent("polling", polling, stored.polling()));
    }

    /** Sent (null included): what was sent; left out: the stored value. */
    private <T> T sent(String field, T value, T stored) {
        return sent.contains(field) ? value : stored;
    }
}
