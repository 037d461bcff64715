package io.sluice.external.iceberg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.sluice.external.TargetColumn;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;

/**
 * Which PostgreSQL column holds which Iceberg field (by field id, so renames keep their column),
 * stored as the columns' comments ({@value #COMMENT_MARK} and JSON: they change in the same
 * transaction as the columns and go with them), and how a table's schema evolution is mirrored: added fields add
 * columns, renames rename them, safe widenings (int to long, float to double, a larger decimal
 * precision) alter their type, a field made optional drops NOT NULL, and dropped fields keep their
 * column (NULL for rows loaded after the drop). Anything else is refused with the reason.
 */
public final class IcebergColumns {
    /** Prefix of the column comments that say which Iceberg field a column holds. */
    public static final String COMMENT_MARK = "sluice:iceberg-field:";

    private IcebergColumns() {
    }

    /**
     * One column of the target table. {@code type} is the Iceberg type it was last synced with;
     * {@code dropped}: the field left the Iceberg schema, the column stays (nullable); {@code names}:
     * the names the table's name mapping ({@code schema.name-mapping.default}) gives the field, for
     * data files written without field ids.
     */
    @RegisterForReflection
    public record Field(int id, String column, String type, boolean required, boolean dropped, List<String> names) {
        public Field {
            names = names == null ? List.of() : List.copyOf(names);
        }

        /** This field as its column's comment says it (the column name is the column's own). */
        public String comment(com.fasterxml.jackson.databind.ObjectMapper json) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", id);
            c.put("type", type);
            c.put("required", required);
            c.put("dropped", dropped);
            c.put("names", names);
            try {
                return COMMENT_MARK + json.writeValueAsString(c);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The field a column's comment names, or null for a comment without the mark. */
        public static Field ofComment(String column, String comment, com.fasterxml.jackson.databind.ObjectMapper json) {
            if (comment == null || !comment.startsWith(COMMENT_MARK)) {
                return null;
            }
            try {
                var c = json.readTree(comment.substring(COMMENT_MARK.length()));
                List<String> names = new ArrayList<>();
                c.path("names").forEach(n -> names.add(n.asText()));
                return new Field(c.path("id").asInt(), column, c.path("type").asText(), c.path("required").asBoolean(),
                        c.path("dropped").asBoolean(), names);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return null;
            }
        }
    }

    /** The columns by field id, in the table's column order. */
    public record Mapping(List<Field> fields) {
        public Mapping {
            fields = List.copyOf(fields);
        }

        /** Field ids of the columns the current schema still has, by column: the Parquet reader's projection. */
        public Map<String, Integer> liveFieldIds() {
            Map<String, Integer> ids = new LinkedHashMap<>();
            fields.stream().filter(f -> !f.dropped()).forEach(f -> ids.put(f.column(), f.id()));
            return ids;
        }

        /** Field ids by the names the name mapping gives them (files without field ids). */
        public Map<String, Integer> idsByMappedName() {
            Map<String, Integer> ids = new LinkedHashMap<>();
            fields.stream().filter(f -> !f.dropped()).forEach(f -> f.names().forEach(n -> ids.put(n, f.id())));
            return ids;
        }
    }

    /** A schema change to apply before the rows load, in one PostgreSQL transaction with the new mapping. */
    public record Evolution(List<String> statements, List<String> described, Mapping next, List<TargetColumn> columns) {
    }

    /** The columns of a table created from {@code schema}: one per top-level field, named as the field. */
    public static Mapping initial(Schema schema, Map<Integer, List<String>> nameMapping) {
        List<Field> fields = new ArrayList<>();
        for (Types.NestedField f : schema.columns()) {
            fields.add(new Field(f.fieldId(), f.name(), f.type().toString(), f.isRequired(), false,
                    nameMapping.get(f.fieldId())));
        }
        return new Mapping(fields);
    }

    /** The top-level names of the table's name mapping property by field id; empty without one. */
    public static Map<Integer, List<String>> nameMapping(Table table) {
        String json = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        NameMapping mapping = NameMappingParser.fromJson(json);
        Map<Integer, List<String>> names = new HashMap<>();
        for (MappedField f : mapping.asMappedFields().fields()) {
            if (f.id() != null) {
                names.put(f.id(), List.copyOf(f.names()));
            }
        }
        return names;
    }

    /**
     * What it takes to bring the target table {@code qualified} (columns as {@code stored} says)
     * to {@code schema}; the columns come out in the table's order, added ones last.
     *
     * @throws IcebergPlanner.SyncRefused for a change that cannot be mirrored, with the reason
     */
    public static Evolution evolve(Mapping stored, Schema schema, Map<Integer, List<String>> nameMapping, String qualified,
            String icebergTable) {
        List<String> statements = new ArrayList<>();
        List<String> described = new ArrayList<>();
        Map<Integer, Field> byId = new LinkedHashMap<>();
        stored.fields().forEach(f -> byId.put(f.id(), f));
        Map<String, Integer> columnOwner = new HashMap<>();
        stored.fields().forEach(f -> columnOwner.put(f.column(), f.id()));
        Map<Integer, Field> next = new LinkedHashMap<>(byId);
        for (Types.NestedField f : schema.columns()) {
            Field old = byId.get(f.fieldId());
            if (old == null || old.dropped()) {
                if (old == null) {
                    checkNewName(f.name(), f.fieldId(), columnOwner, icebergTable);
                    if (f.isRequired()) {
                        throw refused(icebergTable, "added field '" + f.name() + "' (id " + f.fieldId() + ") is required:"
                                + " rows loaded before have no value for it, so its column cannot be NOT NULL");
                    }
                    statements.add("ALTER TABLE " + qualified + " ADD COLUMN " + TableSpec.quote(f.name()) + " "
                            + IcebergSchemas.pgType(f.type()).sql());
                    described.add("added column " + f.name() + " " + f.type());
                    columnOwner.put(f.name(), f.fieldId());
                    next.put(f.fieldId(), new Field(f.fieldId(), f.name(), f.type().toString(), false, false,
                            nameMapping.get(f.fieldId())));
                    continue;
                }
                throw refused(icebergTable, "field id " + f.fieldId() + " ('" + f.name() + "') was dropped and is back");
            }
            String column = old.column();
            if (!column.equals(f.name())) {
                checkNewName(f.name(), f.fieldId(), columnOwner, icebergTable);
                statements.add("ALTER TABLE " + qualified + " RENAME COLUMN " + TableSpec.quote(column) + " TO "
                        + TableSpec.quote(f.name()));
                described.add("renamed column " + column + " to " + f.name());
                columnOwner.remove(column);
                columnOwner.put(f.name(), f.fieldId());
                column = f.name();
            }
            String type = old.type();
            if (!type.equals(f.type().toString())) {
                PgType widened = widened(type, f.type());
                if (widened == null) {
                    throw refused(icebergTable, "field '" + f.name() + "' (id " + f.fieldId() + ") changed from " + type
                            + " to " + f.type() + ", which is not a widening PostgreSQL can apply in place"
                            + " (int to long, float to double, decimal precision)");
                }
                if (widened.kind() != PgType.Kind.JSONB) {
                    statements.add("ALTER TABLE " + qualified + " ALTER COLUMN " + TableSpec.quote(column) + " TYPE "
                            + widened.sql());
                    described.add("widened column " + column + " from " + type + " to " + f.type());
                }
                type = f.type().toString();
            }
            boolean required = old.required();
            if (required && !f.isRequired()) {
                statements.add("ALTER TABLE " + qualified + " ALTER COLUMN " + TableSpec.quote(column) + " DROP NOT NULL");
                described.add("column " + column + " made optional");
                required = false;
            } else if (!required && f.isRequired()) {
                // PostgreSQL checks the rows loaded so far: a NULL among them fails the sync with its reason
                statements.add("ALTER TABLE " + qualified + " ALTER COLUMN " + TableSpec.quote(column) + " SET NOT NULL");
                described.add("column " + column + " made required");
                required = true;
            }
            next.put(f.fieldId(), new Field(f.fieldId(), column, type, required, false, nameMapping.get(f.fieldId())));
        }
        for (Field old : byId.values()) {
            if (!old.dropped() && schema.findField(old.id()) == null) {
                if (old.required()) {
                    statements.add("ALTER TABLE " + qualified + " ALTER COLUMN " + TableSpec.quote(old.column())
                            + " DROP NOT NULL");
                }
                described.add("field " + old.column() + " dropped: its column stays, NULL for rows loaded from now on");
                next.put(old.id(), new Field(old.id(), old.column(), old.type(), false, true, old.names()));
            }
        }
        Mapping mapping = new Mapping(new ArrayList<>(next.values()));
        return new Evolution(statements, described, mapping, columns(mapping, schema));
    }

    /** The target table's columns: every mapped one (dropped ones nullable), with the PostgreSQL type of its Iceberg type. */
    public static List<TargetColumn> columns(Mapping mapping, Schema schema) {
        List<TargetColumn> columns = new ArrayList<>();
        for (Field f : mapping.fields()) {
            Types.NestedField current = schema.findField(f.id());
            PgType type = current != null && !f.dropped() ? IcebergSchemas.pgType(current.type()) : storedType(f.type());
            columns.add(new TargetColumn(f.column(), type, f.required() && !f.dropped()));
        }
        return columns;
    }

    /** The PostgreSQL type of a dropped field's column, from the Iceberg type it was synced with. */
    private static PgType storedType(String type) {
        return nested(type) ? PgType.of(PgType.Kind.JSONB) : IcebergSchemas.pgType(Types.fromPrimitiveString(type));
    }

    private static boolean nested(String type) {
        return type.startsWith("struct") || type.startsWith("list") || type.startsWith("map");
    }

    /** The new PostgreSQL type of a widened field, null when the change is not a safe widening. */
    private static PgType widened(String oldType, Type now) {
        if (now.isNestedType()) {
            // nested types are jsonb whatever their fields: an added struct field needs no DDL
            return nested(oldType) ? PgType.of(PgType.Kind.JSONB) : null;
        }
        if (oldType.equals("int") && now.typeId() == Type.TypeID.LONG
                || oldType.equals("float") && now.typeId() == Type.TypeID.DOUBLE) {
            return IcebergSchemas.pgType(now);
        }
        if (oldType.startsWith("decimal(") && now instanceof Types.DecimalType d) {
            Types.DecimalType before = (Types.DecimalType) Types.fromPrimitiveString(oldType);
            return before.scale() == d.scale() && d.precision() >= before.precision() ? IcebergSchemas.pgType(now) : null;
        }
        return null;
    }

    private static void checkNewName(String name, int fieldId, Map<String, Integer> columnOwner, String icebergTable) {
        if (!TargetColumn.validName(name)) {
            throw refused(icebergTable, "field '" + name + "' (id " + fieldId + ") cannot be a PostgreSQL column name"
                    + " (letters, digits and '_', at most 63)");
        }
        Integer owner = columnOwner.get(name);
        if (owner != null && owner != fieldId) {
            throw refused(icebergTable, "field '" + name + "' (id " + fieldId + ") would take column " + name
                    + ", which holds field id " + owner + " (kept after its drop or rename)");
        }
    }

    private static IcebergPlanner.SyncRefused refused(String icebergTable, String why) {
        return new IcebergPlanner.SyncRefused("Schema change of Iceberg table " + icebergTable + " cannot be mirrored: " + why
                + "; nothing was loaded and the checkpoint is unchanged");
    }
}
