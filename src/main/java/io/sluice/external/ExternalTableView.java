package io.sluice.external;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An external table as {@code GET /tables/{tableName}} shows it (catalog properties beyond the URI are not echoed: they may hold secrets). */
@JsonInclude(JsonInclude.Include.ALWAYS)
@Schema(name = "ExternalTable")
public record ExternalTableView(
        @Schema(example = "orders") String tableName,
        @Schema(example = "orders_OFFLINE") String tableNameWithType,
        @Schema(example = "OFFLINE") String tableType,
        @Schema(description = "iceberg (catalog-backed) or s3 (raw S3 prefix)", enumeration = { "iceberg", "s3" }) String kind,
        @Schema(description = "rest or jdbc; null for raw S3 tables", nullable = true) String catalogType,
        @Schema(description = "The catalog's URI", nullable = true) String catalogUri,
        @Schema(description = "Iceberg table identifier", example = "sales.orders", nullable = true) String icebergTable,
        @Schema(description = "s3 connector of the data files", nullable = true) String connector,
        @Schema(description = "Raw S3 tables: where the objects are", nullable = true) String inputDirURI,
        @Schema(description = "Raw S3 tables: parquet, csv or json", nullable = true) String inputFormat,
        @Schema(description = "Quartz cron of the sync task", nullable = true) String schedule,
        @Schema(description = "The pipeline mirroring the table (same name as tableNameWithType)") UUID pipelineId,
        @Schema(description = "PostgreSQL table the rows are loaded into", example = "\"sluice_data\".\"orders\"") String targetTable,
        Instant createdAt) {
}
