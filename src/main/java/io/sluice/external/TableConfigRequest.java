package io.sluice.external;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.sluice.api.NamePatterns;

/**
 * The Pinot-style table config {@code POST /tables} takes. Pinot's other table config fields
 * (segmentsConfig, tenants, tableIndexConfig, ...) are accepted and ignored, so a config written for
 * Pinot posts unchanged; the fields read here are typed and strict (a number is not a string).
 */
@Schema(name = "ExternalTableConfig", description = "Pinot-style table config with an ExternalTableSyncTask entry")
@JsonIgnoreProperties(ignoreUnknown = true)
public record TableConfigRequest(
        @NotNull @Pattern(regexp = NamePatterns.TABLE, message = NamePatterns.TABLE_MESSAGE)
        @Schema(required = true, description = "Table name, with or without _OFFLINE; also the PostgreSQL table's name",
                example = "orders") String tableName,
        @Pattern(regexp = "^OFFLINE$", message = "must be OFFLINE (external tables are offline tables)")
        @Schema(enumeration = { ExternalTables.OFFLINE }, defaultValue = ExternalTables.OFFLINE) String tableType,
        @Valid @Schema(nullable = true, description = "The target table's columns, or null to derive them from the"
                + " Iceberg schema (raw S3: from a Parquet object's)") PinotSchema schema,
        @NotNull @Valid @Schema(required = true) Task task) {

    /** The table's name without its type. */
    String bareName() {
        String suffix = "_" + ExternalTables.OFFLINE;
        return tableName.endsWith(suffix) ? tableName.substring(0, tableName.length() - suffix.length()) : tableName;
    }

    String nameWithType() {
        return bareName() + "_" + ExternalTables.OFFLINE;
    }

    /** The {@code ExternalTableSyncTask} entry, or null when the config has none. */
    SyncTask syncTask() {
        return task.taskTypeConfigsMap().get(SyncTaskConfig.TASK_TYPE);
    }

    @Schema(name = "ExternalTableTaskConfig")
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Task(@NotNull @Schema(required = true, description = "Task settings by task type; "
            + SyncTaskConfig.TASK_TYPE + " is required, other types are kept as Pinot has them and ignored")
            Map<String, @NotNull @Valid SyncTask> taskTypeConfigsMap) {
    }

    /**
     * One task type's settings: string values only, as in Pinot. The named ones are documented;
     * {@code catalog.<property>} entries beyond them go to the Iceberg catalog as {@code <property>}.
     */
    @Schema(name = "ExternalTableSyncTask", additionalProperties = String.class, description = "Iceberg: catalogType,"
            + " catalog.<property> entries (handed to the catalog as <property>), icebergTable, optional s3 connector for"
            + " data on S3. Raw S3: connector, inputDirURI, inputFormat. All values are strings.")
    public record SyncTask(
            @Schema(enumeration = { "rest", "jdbc" }, description = "Absent for a raw S3 table") String catalogType,
            @JsonProperty("catalog.uri") @Schema(name = "catalog.uri", example = "http://127.0.0.1:8181") String catalogUri,
            @JsonProperty("catalog.warehouse") @Schema(name = "catalog.warehouse", example = "wh") String catalogWarehouse,
            @Size(max = 1024) @Schema(example = "sales.orders") String icebergTable,
            @Size(max = 100) @Schema(description = "An s3 connector: its endpoint, path style and credentials reach S3",
                    example = "Production S3") String connector,
            @JsonProperty("inputDirURI") @Size(max = 2048) @Schema(name = "inputDirURI", example = "s3://b/orders/") String inputDirUri,
            @Schema(enumeration = { "parquet", "csv", "json" }) String inputFormat,
            @Size(max = 255) @Schema(description = "Quartz cron of the sync (active tables only)", example = "0 */30 * * * ?")
            String schedule,
            @JsonProperty(SyncTaskConfig.APPEND_ONLY) @Schema(name = SyncTaskConfig.APPEND_ONLY, enumeration = { "true", "false" },
                    defaultValue = "false", description = "Iceberg: 'true' loads appended data files only and fails a sync"
                            + " over an overwrite or delete snapshot, a delete file or an expired checkpoint; 'false' mirrors"
                            + " the table exactly (deletes, overwrites, rewrites, expired or rolled-back checkpoints)")
            String appendOnly,
            @JsonAnySetter @JsonAnyGetter @Schema(hidden = true) Map<@NotBlank String, @NotNull String> otherEntries) {

        /** Every entry by its wire name, as stored with the table and read by {@link SyncTaskConfig}. */
        Map<String, String> entries() {
            Map<String, String> entries = new LinkedHashMap<>();
            put(entries, "catalogType", catalogType);
            put(entries, "catalog.uri", catalogUri);
            put(entries, "catalog.warehouse", catalogWarehouse);
            put(entries, "icebergTable", icebergTable);
            put(entries, "connector", connector);
            put(entries, "inputDirURI", inputDirUri);
            put(entries, "inputFormat", inputFormat);
            put(entries, "schedule", schedule);
            put(entries, SyncTaskConfig.APPEND_ONLY, appendOnly);
            if (otherEntries != null) {
                entries.putAll(otherEntries);
            }
            return entries;
        }

        private static void put(Map<String, String> entries, String key, String value) {
            if (value != null) {
                entries.put(key, value);
            }
        }
    }

    /** A Pinot schema: its field specs name the columns; Pinot's other schema fields are ignored. */
    @Schema(name = "PinotSchema")
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PinotSchema(
            @Schema(example = "orders") String schemaName,
            List<@NotNull @Valid FieldSpec> dimensionFieldSpecs,
            List<@NotNull @Valid FieldSpec> metricFieldSpecs,
            List<@NotNull @Valid FieldSpec> dateTimeFieldSpecs,
            @Valid TimeFieldSpec timeFieldSpec) {
    }

    @Schema(name = "PinotFieldSpec")
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FieldSpec(
            @NotBlank @Size(max = 63) @Schema(required = true, example = "amount") String name,
            @NotNull @Schema(required = true, enumeration = { "INT", "LONG", "FLOAT", "DOUBLE", "BIG_DECIMAL", "BOOLEAN",
                    "TIMESTAMP", "STRING", "JSON", "BYTES" }) String dataType,
            @Schema(defaultValue = "true", description = "false: a multi-value field, loaded as jsonb") Boolean singleValueField) {
    }

    /** Pinot's legacy time column. */
    @Schema(name = "PinotTimeFieldSpec")
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TimeFieldSpec(@Valid FieldSpec incomingGranularitySpec) {
    }
}
