package io.sluice.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks a response against a component schema of Feldera's OpenAPI document (the subset kept in
 * {@code src/test/resources/feldera/openapi-schemas.json}): required fields present, JSON types,
 * string enums, nullability, {@code allOf}/{@code oneOf} and {@code $ref}. Formats and string
 * patterns are not checked; fields Feldera does not know are allowed, as Feldera's clients ignore them.
 */
final class FelderaSchemas {
    private static final JsonNode SCHEMAS = load();

    private FelderaSchemas() {
    }

    /** The ways {@code value} differs from the schema named {@code schema}; empty when it conforms. */
    static List<String> problems(String schema, JsonNode value) {
        List<String> problems = new ArrayList<>();
        check(ref("#/components/schemas/" + schema), value, "$", problems);
        return problems;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (schema.has("$ref")) {
            check(ref(schema.get("$ref").asText()), value, path, problems);
            return;
        }
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && (schema.has("type") || schema.has("$ref")
                    || schema.has("allOf") || schema.has("oneOf"))) {
                problems.add(path + ": null, but the schema is not nullable");
            }
            return;
        }
        for (JsonNode part : schema.path("allOf")) {
            check(part, value, path, problems);
        }
        if (schema.has("oneOf") || schema.has("anyOf")) {
            JsonNode alternatives = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
            boolean any = false;
            for (JsonNode alternative : alternatives) {
                List<String> mine = new ArrayList<>();
                check(alternative, value, path, mine);
                any |= mine.isEmpty();
            }
            if (!any) {
                problems.add(path + ": matches none of the alternatives: " + value);
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> object(schema, value, path, problems);
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(path + ": expected an array, got " + value);
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), path + "[" + i + "]", problems);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(path + ": expected a string, got " + value);
                } else if (schema.has("enum") && !contains(schema.get("enum"), value.asText())) {
                    problems.add(path + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + ": expected an integer, got " + value);
                } else if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
                    problems.add(path + ": below the minimum " + schema.get("minimum"));
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(path + ": expected a number, got " + value);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": expected a boolean, got " + value);
                }
            }
            default -> {
                if (schema.has("properties") || schema.has("required")) {
                    object(schema, value, path, problems);
                }
            }
        }
    }

    private static void object(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": expected an object, got " + value);
            return;
        }
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                problems.add(path + ": required field '" + required.asText() + "' is missing");
            }
        }
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode property = schema.path("properties").get(field.getKey());
            if (property != null) {
                check(property, field.getValue(), path + "." + field.getKey(), problems);
            } else if (schema.path("additionalProperties").isObject()) {
                check(schema.get("additionalProperties"), field.getValue(), path + "." + field.getKey(), problems);
            }
        }
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode ref(String ref) {
        String name = ref.substring(ref.lastIndexOf('/') + 1);
        JsonNode schema = SCHEMAS.path("schemas").get(name);
        if (schema == null) {
            throw new IllegalArgumentException("Feldera schema " + name + " is not in the test resources");
        }
        return schema;
    }

    private static JsonNode load() {
        try (InputStream in = FelderaSchemas.class.getResourceAsStream("/feldera/openapi-schemas.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
