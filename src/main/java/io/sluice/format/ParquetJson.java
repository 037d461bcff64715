package io.sluice.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.function.Consumer;

import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.Type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A nested (or repeated) Parquet field as one JSON value, for a jsonb column: groups as objects,
 * LIST-annotated groups (3-level and legacy 2-level) and repeated fields as arrays, MAP-annotated
 * groups as objects keyed by the keys' text; primitive values by {@link ParquetValues} (numbers as
 * numbers, booleans, bytes as base64, everything else as its text).
 */
final class ParquetJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ParquetJson() {
    }

    /** A converter handing the (non-repeated, top-level) group field's JSON text to {@code sink} for each record. */
    static Converter converter(Type field, Consumer<Object> sink) {
        return value(field, node -> sink.accept(node.toString()));
    }

    /** A group whose only field is repeated (a legacy 2-level list): the occurrences as an array. */
    private static Converter repeated(Type field, Consumer<JsonNode> sink) {
        ArrayNode[] items = new ArrayNode[1];
        Converter one = value(field, node -> items[0].add(node));
        return new Group(new Converter[] { one }, () -> items[0] = JSON.arrayNode(), () -> sink.accept(items[0]));
    }

    private static Converter value(Type type, Consumer<JsonNode> sink) {
        if (type.isPrimitive()) {
            return ParquetValues.converter(type.asPrimitiveType(), v -> sink.accept(node(v)));
        }
        GroupType group = type.asGroupType();
        LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && group.getFieldCount() == 1) {
            return list(group, sink);
        }
        if ((logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation) && group.getFieldCount() == 1
                && !group.getType(0).isPrimitive() && group.getType(0).asGroupType().getFieldCount() == 2) {
            return map(group, sink);
        }
        return struct(group, sink);
    }

    /** An object of the group's fields; a repeated field is an array of its occurrences (empty when none). */
    private static Converter struct(GroupType group, Consumer<JsonNode> sink) {
        ObjectNode[] current = new ObjectNode[1];
        Converter[] fields = new Converter[group.getFieldCount()];
        for (int i = 0; i < fields.length; i++) {
            Type field = group.getType(i);
            String name = field.getName();
            fields[i] = field.isRepetition(Type.Repetition.REPEATED)
                    ? value(field, node -> ((ArrayNode) current[0].get(name)).add(node))
                    : value(field, node -> current[0].set(name, node));
        }
        return new Group(fields, () -> {
            current[0] = JSON.objectNode();
            for (Type field : group.getFields()) {
                current[0].set(field.getName(), field.isRepetition(Type.Repetition.REPEATED) ? JSON.arrayNode()
                        : NullNode.getInstance());
            }
        }, () -> sink.accept(current[0]));
    }

    private static Converter list(GroupType group, Consumer<JsonNode> sink) {
        Type repeated = group.getType(0);
        boolean threeLevel = !repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
                && !repeated.getName().equals("array") && !repeated.getName().equals(group.getName() + "_tuple");
        if (!threeLevel) {
            return repeated(repeated, sink);
        }
        ArrayNode[] items = new ArrayNode[1];
        JsonNode[] item = new JsonNode[1];
        Converter element = value(repeated.asGroupType().getType(0), node -> item[0] = node);
        Converter entry = new Group(new Converter[] { element }, () -> item[0] = NullNode.getInstance(),
                () -> items[0].add(item[0]));
        return new Group(new Converter[] { entry }, () -> items[0] = JSON.arrayNode(), () -> sink.accept(items[0]));
    }

    private static Converter map(GroupType group, Consumer<JsonNode> sink) {
        GroupType keyValue = group.getType(0).asGroupType();
        ObjectNode[] current = new ObjectNode[1];
        JsonNode[] key = new JsonNode[1];
        JsonNode[] value = new JsonNode[1];
        Converter entry = new Group(new Converter[] {
                value(keyValue.getType(0), node -> key[0] = node), value(keyValue.getType(1), node -> value[0] = node) },
                () -> {
                    key[0] = NullNode.getInstance();
                    value[0] = NullNode.getInstance();
                }, () -> current[0].set(key[0].isTextual() ? key[0].asText() : key[0].toString(), value[0]));
        return new Group(new Converter[] { entry }, () -> current[0] = JSON.objectNode(), () -> sink.accept(current[0]));
    }

    private static JsonNode node(Object v) {
        if (v == null) {
            return NullNode.getInstance();
        } else if (v instanceof Integer i) {
            return JSON.numberNode(i);
        } else if (v instanceof Long l) {
            return JSON.numberNode(l);
        } else if (v instanceof Short s) {
            return JSON.numberNode(s);
        } else if (v instanceof Float f) {
            return JSON.numberNode(f);
        } else if (v instanceof Double d) {
            return JSON.numberNode(d);
        } else if (v instanceof BigDecimal d) {
            return JSON.numberNode(d);
        } else if (v instanceof BigInteger b) {
            return JSON.numberNode(b);
        } else if (v instanceof Boolean b) {
            return JSON.booleanNode(b);
        } else if (v instanceof byte[] bytes) {
            return JSON.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        return JSON.textNode(v.toString());
    }

    /** A group converter running {@code start} and {@code end} around each occurrence. */
    private static final class Group extends GroupConverter {
        private final Converter[] children;
        private final Runnable start;
        private final Runnable end;

        Group(Converter[] children, Runnable start, Runnable end) {
            this.children = children;
            this.start = start;
            this.end = end;
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return children[fieldIndex];
        }

        @Override
        public void start() {
            start.run();
        }

        @Override
        public void end() {
            end.run();
        }
    }
}
