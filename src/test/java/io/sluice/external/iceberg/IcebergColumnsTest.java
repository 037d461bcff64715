package io.sluice.external.iceberg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.sluice.external.iceberg.IcebergColumns.Evolution;
import io.sluice.external.iceberg.IcebergColumns.Field;
import io.sluice.external.iceberg.IcebergColumns.Mapping;

/** Schema evolution to DDL, without a database: what is mirrored how, and what is refused why. */
class IcebergColumnsTest {
    private static final String T = "\"s\".\"t\"";
    private static final Schema V1 = new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "price", Types.DecimalType.of(9, 2)),
            Types.NestedField.optional(4, "tags", Types.StructType.of(Types.NestedField.optional(5, "a", Types.StringType.get()))));

    private static Evolution evolve(Mapping from, Schema to) {
        return IcebergColumns.evolve(from, to, Map.of(), T, "db.t");
    }

    @Test
    void theSameSchemaNeedsNothing() {
        Evolution e = evolve(IcebergColumns.initial(V1, Map.of()), V1);
        assertEquals(List.of(), e.statements());
        assertEquals(IcebergColumns.initial(V1, Map.of()), e.next());
        assertTrue(e.columns().get(0).notNull(), "required id is NOT NULL");
    }

    @Test
    void aDroppedFieldKeepsItsColumnAndANewFieldCannotTakeItsName() {
        Schema dropped = new Schema(V1.findField(1), V1.findField(3), V1.findField(4));
        Evolution e = evolve(IcebergColumns.initial(V1, Map.of()), dropped);
        assertEquals(List.of(), e.statements(), "an optional field's column needs no DDL");
        assertTrue(e.next().fields().stream().anyMatch(f -> f.column().equals("name") && f.dropped()));
        assertEquals(4, e.columns().size());

        Schema reused = new Schema(V1.findField(1), V1.findField(3), V1.findField(4),
                Types.NestedField.optional(6, "name", Types.IntegerType.get()));
        var refused = assertThrows(IcebergPlanner.SyncRefused.class, () -> evolve(e.next(), reused));
        assertTrue(refused.getMessage().contains("would take column name, which holds field id 2"), refused.getMessage());
    }

    @Test
    void aDecimalScaleChangeIsRefusedAndANestedChangeNeedsNoDdl() {
        Schema scale = new Schema(V1.findField(1), V1.findField(2),
                Types.NestedField.optional(3, "price", Types.DecimalType.of(12, 3)), V1.findField(4));
        var refused = assertThrows(IcebergPlanner.SyncRefused.class, () -> evolve(IcebergColumns.initial(V1, Map.of()), scale));
        assertTrue(refused.getMessage().contains("changed from decimal(9, 2) to decimal(12, 3)"), refused.getMessage());

        Schema nested = new Schema(V1.findField(1), V1.findField(2), V1.findField(3), Types.NestedField.optional(4, "tags",
                Types.StructType.of(Types.NestedField.optional(5, "a", Types.StringType.get()),
                        Types.NestedField.optional(7, "b", Types.IntegerType.get()))));
        assertEquals(List.of(), evolve(IcebergColumns.initial(V1, Map.of()), nested).statements());
    }

    @Test
    void aRequiredFieldDroppedLosesNotNullAndARenameIsOneStatement() {
        Schema renamed = new Schema(Types.NestedField.required(1, "key", Types.LongType.get()), V1.findField(2));
        Evolution e = evolve(IcebergColumns.initial(V1, Map.of()), renamed);
        assertEquals(List.of("ALTER TABLE " + T + " RENAME COLUMN \"id\" TO \"key\""), e.statements());
        Evolution d = evolve(e.next(), new Schema(V1.findField(2)));
        assertEquals(List.of("ALTER TABLE " + T + " ALTER COLUMN \"key\" DROP NOT NULL"), d.statements());
    }

    @Test
    void aFieldSurvivesItsColumnComment() {
        ObjectMapper json = new ObjectMapper();
        Field f = new Field(3, "price", "decimal(9, 2)", false, true, List.of("price", "cost"));
        assertEquals(f, Field.ofComment("price", f.comment(json), json));
        assertEquals(null, Field.ofComment("price", "a comment of someone else", json));
    }
}
