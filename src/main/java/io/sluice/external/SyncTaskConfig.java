package io.sluice.external;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.api.SluiceException;
import io.sluice.pipeline.spec.SourceFormat;

/**
 * The {@code ExternalTableSyncTask} entry of a table config ({@code task.taskTypeConfigsMap}): an
 * Iceberg table ({@code catalogType} {@code rest} or {@code jdbc}, {@code catalog.<property>} entries
 * handed to the catalog as {@code <property>}, {@code icebergTable}, optionally an s3
 * {@code connector} for data files on S3), or a raw S3 prefix (no {@code catalogType}:
 * {@code connector}, {@code inputDirURI}, {@code inputFormat}); a Quartz cron {@code schedule}.
 * Other entries (Pinot's own task settings) are kept and ignored.
 */
public record SyncTaskConfig(String catalogType, Map<String, String> catalog, String icebergTable, String connector,
        String inputDirUri, SourceFormat inputFormat, String schedule, boolean appendOnly) {
    public static final String TASK_TYPE = "ExternalTableSyncTask";
    /**
     * Iceberg option: {@code "true"} syncs only appended data files and fails a sync over an
     * overwrite or delete snapshot, a delete file, or an expired or rolled-back checkpoint (nothing
     * is ever deleted from the target table); default {@code "false"}: mirrored exactly.
     */
    static final String APPEND_ONLY = "append-only";
    static final String CATALOG_PREFIX = "catalog.";

    public boolean iceberg() {
        return catalogType != null;
    }

    /** The bucket of {@code inputDirURI} (raw S3 tables). */
    public String bucket() {
        return URI.create(inputDirUri).getHost();
    }

    /** The key prefix of {@code inputDirURI}, without its leading slash (raw S3 tables). */
    public String prefix() {
        String path = URI.create(inputDirUri).getPath();
        return path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
    }

    /** The entry of a posted table config; 400 naming the field for anything missing or wrong. */
    public static SyncTaskConfig of(TableConfigRequest tableConfig) {
        TableConfigRequest.SyncTask task = tableConfig.syncTask();
        if (task == null) {
            throw SluiceException.invalidField("task.taskTypeConfigsMap." + TASK_TYPE,
                    "The table config needs a task.taskTypeConfigsMap." + TASK_TYPE + " entry");
        }
        return ofEntries(task.entries());
    }

    /** The {@code ExternalTableSyncTask} entry as stored with the table. */
    public static SyncTaskConfig ofEntry(JsonNode task) {
        Map<String, String> entries = new LinkedHashMap<>();
        task.fields().forEachRemaining(e -> entries.put(e.getKey(), e.getValue().asText()));
        return ofEntries(entries);
    }

    /** The entry's settings by their wire names. */
    static SyncTaskConfig ofEntries(Map<String, String> entries) {
        String schedule = blankToNull(entries.get("schedule"));
        String catalogType = blankToNull(entries.get("catalogType"));
        String connector = blankToNull(entries.get("connector"));
        if (catalogType != null) {
            String type = catalogType.toLowerCase(Locale.ROOT);
            if (!type.equals("rest") && !type.equals("jdbc")) {
                throw SluiceException.invalidField(field("catalogType"), "catalogType must be 'rest' or 'jdbc', not '"
                        + catalogType + "'");
            }
            Map<String, String> catalog = new LinkedHashMap<>();
            entries.forEach((k, v) -> {
                if (k.startsWith(CATALOG_PREFIX) && k.length() > CATALOG_PREFIX.length()) {
                    catalog.put(k.substring(CATALOG_PREFIX.length()), v);
                }
            });
            if (!catalog.containsKey("uri")) {
                throw SluiceException.invalidField(field("catalog.uri"), "catalog.uri is required for a " + type + " catalog");
            }
            String icebergTable = blankToNull(entries.get("icebergTable"));
            if (icebergTable == null || !icebergTable.contains(".")) {
                throw SluiceException.invalidField(field("icebergTable"),
                        "icebergTable is required: the Iceberg table identifier, namespace.table (e.g. sales.orders)");
            }
            String appendOnly = entries.getOrDefault(APPEND_ONLY, "false").trim().toLowerCase(Locale.ROOT);
            if (!appendOnly.equals("true") && !appendOnly.equals("false")) {
                throw SluiceException.invalidField(field(APPEND_ONLY), APPEND_ONLY + " must be 'true' or 'false', not '"
                        + entries.get(APPEND_ONLY) + "'");
            }
            return new SyncTaskConfig(type, catalog, icebergTable, connector, null, SourceFormat.PARQUET, schedule,
                    appendOnly.equals("true"));
        }
        if (connector == null) {
            throw SluiceException.invalidField(field("connector"), "A raw S3 table (no catalogType) needs the name of an"
                    + " s3 connector in 'connector'; an Iceberg table needs catalogType 'rest' or 'jdbc'");
        }
        String input = blankToNull(entries.get("inputDirURI"));
        URI uri;
        try {
            uri = input == null ? null : URI.create(input);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"s3".equals(uri.getScheme()) || uri.getHost() == null) {
            throw SluiceException.invalidField(field("inputDirURI"), "inputDirURI must be an s3://bucket/prefix/ URI");
        }
        String format = entries.getOrDefault("inputFormat", "parquet").toLowerCase(Locale.ROOT);
        SourceFormat inputFormat = switch (format) {
            case "parquet" -> SourceFormat.PARQUET;
            case "csv" -> SourceFormat.CSV;
            case "json", "jsonl" -> SourceFormat.JSONL;
            default -> throw SluiceException.invalidField(field("inputFormat"),
                    "inputFormat must be parquet, csv or json, not '" + format + "'");
        };
        return new SyncTaskConfig(null, Map.of(), null, connector, input, inputFormat, schedule, false);
    }

    private static String field(String key) {
        return "task.taskTypeConfigsMap." + TASK_TYPE + "." + key;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
