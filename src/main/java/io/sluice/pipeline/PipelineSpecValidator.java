package io.sluice.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.api.SluiceException;
import io.sluice.pipeline.program.Compilation;
import io.sluice.pipeline.program.ProgramCompiler;
import io.sluice.pipeline.program.Provenance;
import io.sluice.format.Formats;
import io.sluice.pipeline.spec.PipelineRequest;
import io.sluice.pipeline.spec.PollingSpec;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.pipeline.spec.ValidationRule;
import io.sluice.source.SourceStore;

/**
 * Checks a pipeline declaration before it is saved; each problem is a 400 naming the field.
 * {@code program_code} is deliberately not checked here: saving never rejects a program for its
 * content, the compiler reports on it.
 */
final class PipelineSpecValidator {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    static final int MAX_PARTITIONS = PipelineRequest.MAX_PARTITIONS;
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private PipelineSpecValidator() {
    }

    static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw SluiceException.invalidField("name",
                    "Pipeline name must be 1-100 letters, digits, '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    static void validate(PipelineRequest r) {
        if (r.partitions() != null && (r.partitions() < 1 || r.partitions() > MAX_PARTITIONS)) {
            throw SluiceException.invalidField("partitions", "partitions must be between 1 and " + MAX_PARTITIONS);
        }
        if (r.maxFailedRows() != null && r.maxFailedRows() < 0) {
            throw SluiceException.invalidField("max_failed_rows", "max_failed_rows must be 0 or more, or null");
        }
        if (r.schedule() != null) {
            cron(r.schedule());
        }
        if (r.source() != null) {
            source(r.source());
        }
        if (r.polling() != null) {
            polling(r.polling());
        }
        if (r.validation() != null) {
            r.validation().forEach(PipelineSpecValidator::rules);
        }
        runtimeConfig(r.runtimeConfig());
        if (r.programCode() != null) {
            reservedColumns(r.programCode());
        }
    }

    /**
     * Columns named like Sluice's provenance columns would be overwritten by them: refused at save.
     * Any other problem with the program is the compiler's to report (program_status SqlError).
     */
    private static void reservedColumns(String programCode) {
        if (ProgramCompiler.compile(programCode) instanceof Compilation.Success compiled) {
            compiled.table().columns().stream().map(c -> c.name()).filter(Provenance::isReserved).findFirst()
                    .ifPresent(column -> {
                        throw SluiceException.badRequest("ReservedColumnName", "Column \"" + column
                                + "\" uses the prefix " + Provenance.PREFIX + ", which Sluice reserves for the provenance"
                                + " columns it adds to every target table (" + String.join(", ", Provenance.COLUMNS) + ")",
                                Map.of("column", column));
                    });
        }
    }

    static void cron(String expression) {
        try {
            CRON.parse(expression).validate();
        } catch (IllegalArgumentException e) {
            throw SluiceException.badRequest("InvalidCron", "Invalid cron expression '" + expression + "': "
                    + e.getMessage() + " (Quartz syntax with seconds, e.g. '0 */30 * * * ?')",
                    Map.of("field", "schedule"));
        }
    }

    private static void source(SourceSpec s) {
        if (s.connector() == null || s.connector().isBlank()) {
            throw SluiceException.invalidField("source.connector", "source.connector is required");
        }
        if (s.format() == null) {
            throw SluiceException.invalidField("source.format", "source.format is required (csv, jsonl, parquet)");
        }
        relativePath("source.prefix", s.prefix());
        SourceStore.nameMatcher(s.pattern());
        try {
            Formats.validateOptions(s.format(), s.options() == null ? Map.of() : s.options());
        } catch (IllegalArgumentException e) {
            throw SluiceException.invalidField("source.options", "Invalid " + s.format() + " options: " + e.getMessage());
        }
    }

    private static void polling(PollingSpec p) {
        if (p.intervalMinutes() != null && p.intervalMinutes() < 1) {
            throw SluiceException.invalidField("polling.intervalMinutes", "polling.intervalMinutes must be at least 1");
        }
        if (p.enabled() && (p.touchFile() == null || p.touchFile().isBlank())) {
            throw SluiceException.invalidField("polling.touchFile", "polling.touchFile is required when polling is enabled");
        }
        relativePath("polling.touchFile", p.touchFile());
        relativePath("polling.prefix", p.prefix());
    }

    /** Prefixes and file names are relative to a connector's root and never climb out of it. */
    private static void relativePath(String field, String value) {
        if (value == null) {
            return;
        }
        Path path = Path.of(value.isEmpty() ? "." : value);
        boolean climbs = false;
        for (Path part : path) {
            climbs |= part.toString().equals("..");
        }
        if (path.isAbsolute() || value.startsWith("/") || climbs) {
            throw SluiceException.badRequest("PathOutsideConnectorRoot",
                    field + " must be a relative path without '..': " + value, Map.of("field", field));
        }
    }

    private static void rules(String column, List<ValidationRule> rules) {
        String field = "validation." + column;
        if (rules == null) {
            throw SluiceException.invalidField(field, field + " must be a list of rules");
        }
        for (ValidationRule rule : rules) {
            if (rule == null || rule.rule() == null) {
                throw SluiceException.invalidField(field, "Each rule needs 'rule' (email, regex, range, enum, not_null)");
            }
            switch (rule.rule()) {
                case REGEX -> {
                    if (rule.pattern() == null) {
                        throw SluiceException.invalidField(field, "A regex rule needs 'pattern'");
                    }
                    try {
                        Pattern.compile(rule.pattern());
                    } catch (PatternSyntaxException e) {
                        throw SluiceException.invalidField(field, "Invalid regex: " + e.getDescription());
                    }
                }
                case RANGE -> {
                    if (rule.min() == null && rule.max() == null) {
                        throw SluiceException.invalidField(field, "A range rule needs 'min', 'max' or both");
                    }
                    if (rule.min() != null && rule.max() != null && rule.min().compareTo(rule.max()) > 0) {
                        throw SluiceException.invalidField(field, "A range rule needs min <= max");
                    }
                }
                case ENUM -> {
                    if (rule.values() == null || rule.values().isEmpty()) {
                        throw SluiceException.invalidField(field, "An enum rule needs a non-empty 'values' list");
                    }
                }
                case EMAIL, NOT_NULL -> {
                }
            }
        }
    }

    /** Entries whose default is null but which hold a number when set. */
    private static final java.util.Set<String> NULLABLE_NUMBERS = java.util.Set.of("max_rss_mb", "http_workers",
            "io_workers", "max_parallel_connector_init", "min_storage_bytes", "min_step_storage_bytes", "cache_mib",
            "cpu_cores_min", "cpu_cores_max", "memory_mb_min", "memory_mb_max", "storage_mb_max",
            "datafusion_memory_mb");

    /**
     * Each runtime_config entry the defaults give a number, boolean or string must be one too (or
     * null): {@code {"workers": "x"}} is refused, not stored. Objects are checked entry by entry;
     * entries Sluice does not know are kept as given.
     */
    static void runtimeConfigTypes(JsonNode defaults, JsonNode given, String path) {
        if (given == null || !given.isObject() || defaults == null || !defaults.isObject()) {
            return;
        }
        given.fields().forEachRemaining(entry -> {
            String field = path + "." + entry.getKey();
            JsonNode value = entry.getValue();
            JsonNode fallback = defaults.get(entry.getKey());
            if (value.isNull()) {
                return;
            }
            String expected = null;
            if (fallback != null && fallback.isIntegralNumber() && !value.isIntegralNumber()) {
                expected = "an integer";
            } else if (fallback != null && fallback.isBoolean() && !value.isBoolean()) {
                expected = "a boolean";
            } else if (fallback != null && fallback.isTextual() && !value.isTextual()) {
                expected = "a string";
            } else if (NULLABLE_NUMBERS.contains(entry.getKey()) && !value.isNumber()) {
                expected = "a number or null";
            }
            if (expected != null) {
                throw SluiceException.invalidField(field, field + " must be " + expected);
            }
            runtimeConfigTypes(fallback, value, field);
        });
    }

    private static void runtimeConfig(JsonNode config) {
        if (config == null) {
            return;
        }
        JsonNode timeout = config.get("provisioning_timeout_secs");
        if (timeout != null && !timeout.isNull() && (!timeout.canConvertToLong() || !timeout.isIntegralNumber()
                || timeout.asLong() < 1)) {
            throw SluiceException.invalidField("runtime_config.provisioning_timeout_secs",
                    "provisioning_timeout_secs must be a positive whole number of seconds, or null");
        }
    }
}
