package io.sluice.external;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenAPI description of the Pinot-style table config {@code POST /tables} takes (read as a JSON tree; other Pinot fields are ignored). */
@Schema(name = "ExternalTableConfig", description = "Pinot-style table config with an ExternalTableSyncTask entry")
record TableConfigDoc(
        @Schema(required = true, description = "Table name; also the PostgreSQL table's name", example = "orders") String tableName,
        @Schema(description = "Only OFFLINE", defaultValue = "OFFLINE", example = "OFFLINE") String tableType,
        @Schema(nullable = true, description = "A Pinot schema (dimensionFieldSpecs, metricFieldSpecs, dateTimeFieldSpecs with"
                + " name and dataType), or null to derive the columns from the Iceberg schema (raw S3: a Parquet object's)") Object schema,
        @Schema(required = true) Task task) {

    @Schema(name = "ExternalTableTaskConfig")
    record Task(@Schema(required = true) Map<String, SyncTask> taskTypeConfigsMap) {
    }

    @Schema(name = "ExternalTableSyncTask", description = "Iceberg: catalogType, catalog.<property> entries (handed to the"
            + " catalog as <property>), icebergTable, optional s3 connector for data on S3. Raw S3: connector, inputDirURI,"
            + " inputFormat. All values are strings.")
    record SyncTask(
            @Schema(enumeration = { "rest", "jdbc" }, description = "Absent for a raw S3 table") String catalogType,
            @Schema(name = "catalog.uri", example = "http://127.0.0.1:8181") String catalogUri,
            @Schema(name = "catalog.warehouse", example = "wh") String catalogWarehouse,
            @Schema(example = "sales.orders") String icebergTable,
            @Schema(description = "An s3 connector: its endpoint, path style and credentials reach S3", example = "Production S3") String connector,
            @Schema(example = "s3://b/orders/") String inputDirURI,
            @Schema(enumeration = { "parquet", "csv", "json" }) String inputFormat,
            @Schema(description = "Quartz cron of the sync (active tables only)", example = "0 */30 * * * ?") String schedule,
            @Schema(name = "append-only", enumeration = { "true", "false" }, defaultValue = "false", description = "Iceberg:"
                    + " 'true' loads appended data files only and fails a sync over an overwrite or delete snapshot, a"
                    + " delete file or an expired checkpoint; 'false' mirrors the table exactly (deletes, overwrites,"
                    + " rewrites, expired or rolled-back checkpoints)") String appendOnly) {
    }
}
