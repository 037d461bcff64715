package io.sluice.api.openapi;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of requests for one operation of the OpenAPI document: path values (names that
 * exist, and names that cannot: NUL bytes, 300 characters, dots), query values (in range, huge, not
 * numbers, unknown enum values) and JSON bodies built from the operation's schema, valid or broken in
 * one way (a wrong type, a NUL byte, a huge number, an unknown enum value, a missing required field,
 * an extra field, malformed JSON).
 */
final class RequestArbitraries {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A request ready to send: method, encoded path and query, and the body (null for none). */
    record Request(String method, String uri, String body, String label) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + uri + (body == null ? "" : " " + abbreviate(body)) + " [" + label + "]";
        }

        private static String abbreviate(String s) {
            return s.length() > 300 ? s.substring(0, 300) + "..." : s;
        }
    }

    private final OpenApiDocument document;
    /** Values of path parameters that name existing things, by parameter name. */
    private final Map<String, List<String>> existing;

    RequestArbitraries(OpenApiDocument document, Map<String, List<String>> existing) {
        this.document = document;
        this.existing = existing;
    }

    Arbitrary<Request> requests(OpenApiDocument.Operation operation) {
        List<JsonNode> pathParams = operation.parameters().stream().filter(p -> "path".equals(p.path("in").asText())).toList();
        List<JsonNode> queryParams = operation.parameters().stream().filter(p -> "query".equals(p.path("in").asText())).toList();
        Arbitrary<Map<String, String>> paths = values(pathParams, this::pathValue);
        Arbitrary<Map<String, String>> queries = values(queryParams, p -> queryValue(document.resolve(p.path("schema"))).injectNull(0.3));
        Arbitrary<Body> bodies = operation.body().isMissingNode() ? Arbitraries.just(new Body(null, "no body"))
                : body(document.resolve(operation.body()));
        return Combinators.combine(paths, queries, bodies).as((p, q, b) -> {
            String uri = operation.path();
            for (Map.Entry<String, String> e : p.entrySet()) {
                uri = uri.replace("{" + e.getKey() + "}", encode(e.getValue()));
            }
            StringBuilder query = new StringBuilder();
            q.forEach((name, value) -> {
                if (value != null) {
                    query.append(query.isEmpty() ? "?" : "&").append(encode(name)).append('=').append(encode(value));
                }
            });
            return new Request(operation.method(), uri + query, b.text(), b.label());
        });
    }

    private record Body(String text, String label) {
    }

    private static Arbitrary<Map<String, String>> values(List<JsonNode> parameters,
            java.util.function.Function<JsonNode, Arbitrary<String>> generator) {
        Arbitrary<Map<String, String>> result = Arbitraries.just(new LinkedHashMap<>());
        for (JsonNode parameter : parameters) {
            String name = parameter.path("name").asText();
            Arbitrary<String> value = generator.apply(parameter);
            result = Combinators.combine(result, value).as((map, v) -> {
                Map<String, String> copy = new LinkedHashMap<>(map);
                copy.put(name, v);
                return copy;
            });
        }
        return result;
    }

    private Arbitrary<String> pathValue(JsonNode parameter) {
        List<String> known = existing.getOrDefault(parameter.path("name").asText(), List.of());
        Arbitrary<String> odd = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars("_-. ").ofMinLength(1).ofMaxLength(20),
                Arbitraries.of("a\u0000b", "x".repeat(300), "..", "é名", "latest", "-1", "99999999999999999999",
                        UUID.randomUUID().toString()));
        return known.isEmpty() ? odd : Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(known)), net.jqwik.api.Tuple.of(2, odd));
    }

    private Arbitrary<String> queryValue(JsonNode schema) {
        Arbitrary<String> invalid = Arbitraries.of("abc", "", "\u0000", "99999999999999999999", "-1", "1e400", "unknown_value");
        Arbitrary<String> valid;
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            schema.get("enum").forEach(v -> values.add(v.asText()));
            valid = Arbitraries.of(values);
        } else {
            String type = OpenApiDocument.types(schema).stream().filter(t -> !"null".equals(t)).findFirst().orElse("string");
            valid = switch (type) {
                case "integer" -> integers(schema).map(JsonNode::asText);
                case "boolean" -> Arbitraries.of("true", "false");
                default -> Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10);
            };
        }
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, valid), net.jqwik.api.Tuple.of(1, invalid));
    }

    private Arbitrary<Body> body(JsonNode schema) {
        Arbitrary<JsonNode> valid = value(schema, 0);
        Arbitrary<Body> broken = valid.flatMap(v -> Arbitraries.of(Mutation.values())
                .map(m -> new Body(m.apply(v, schema, document), m.name())));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, valid.map(v -> new Body(write(v), "valid"))),
                net.jqwik.api.Tuple.of(3, broken));
    }

    /** A value valid for the schema, as far as a schema can say (cross-field rules are the service's). */
    Arbitrary<JsonNode> value(JsonNode raw, int depth) {
        JsonNode schema = document.resolve(raw);
        if (schema.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            schema.get("enum").forEach(values::add);
            return Arbitraries.of(values);
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            if (schema.has(combinator) && schema.get(combinator).size() > 0) {
                return value(schema.get(combinator).get(0), depth + 1);
            }
        }
        Arbitrary<JsonNode> generated = generated(schema, depth);
        // the schema's example is the value likeliest to be accepted
        return schema.has("example") ? Arbitraries.oneOf(Arbitraries.just(schema.get("example")), generated) : generated;
    }

    private Arbitrary<JsonNode> generated(JsonNode schema, int depth) {
        String type = OpenApiDocument.types(schema).stream().filter(t -> !"null".equals(t)).findFirst()
                .orElse(schema.has("properties") ? "object" : "string");
        return switch (type) {
            case "integer" -> integers(schema);
            case "number" -> Arbitraries.doubles().between(0, 1000).map(d -> (JsonNode) JSON.numberNode(d));
            case "boolean" -> Arbitraries.of(true, false).map(b -> (JsonNode) JSON.booleanNode(b));
            case "array" -> depth > 4 ? Arbitraries.just(JSON.arrayNode())
                    : value(schema.path("items"), depth + 1).list().ofMaxSize(2).map(items -> {
                        var array = JSON.arrayNode();
                        items.forEach(array::add);
                        return (JsonNode) array;
                    });
            case "object" -> depth > 4 ? Arbitraries.just(JSON.objectNode()) : object(schema, depth);
            default -> strings(schema);
        };
    }

    private Arbitrary<JsonNode> object(JsonNode schema, int depth) {
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        Arbitrary<ObjectNode> result = Arbitraries.just(JSON.objectNode());
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> property = it.next();
            Arbitrary<JsonNode> value = value(property.getValue(), depth + 1);
            boolean mandatory = required.contains(property.getKey());
            result = Combinators.combine(result, mandatory ? value : value.injectNull(0.6)).as((node, v) -> {
                ObjectNode copy = node.deepCopy();
                if (v != null) {
                    copy.set(property.getKey(), v);
                }
                return copy;
            });
        }
        return result.map(n -> n);
    }

    private static Arbitrary<JsonNode> integers(JsonNode schema) {
        long min = schema.has("minimum") ? schema.get("minimum").asLong() : 0;
        long max = schema.has("maximum") ? schema.get("maximum").asLong() : Math.max(min, 100);
        return Arbitraries.longs().between(min, Math.min(max, min + 1000)).map(l -> (JsonNode) JSON.numberNode(l));
    }

    private static Arbitrary<JsonNode> strings(JsonNode schema) {
        if ("uuid".equals(schema.path("format").asText())) {
            return Arbitraries.create(UUID::randomUUID).map(u -> (JsonNode) JSON.textNode(u.toString()));
        }
        int max = schema.has("maxLength") ? Math.min(schema.get("maxLength").asInt(), 20) : 20;
        int min = Math.min(Math.max(1, schema.path("minLength").asInt(1)), max);
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(min).ofMaxLength(max)
                .map(s -> (JsonNode) JSON.textNode(s));
    }

    /** One way of breaking a valid body. */
    enum Mutation {
        WRONG_TYPE, NUL_BYTE, HUGE_NUMBER, UNKNOWN_ENUM, MISSING_REQUIRED, EXTRA_FIELD, NOT_JSON, NOT_AN_OBJECT;

        String apply(JsonNode valid, JsonNode schema, OpenApiDocument document) {
            if (!(valid instanceof ObjectNode object) || object.isEmpty()) {
                return switch (this) {
                    case NOT_JSON -> "{\"unterminated";
                    case NUL_BYTE -> "\"a\\u0000b\"";
                    default -> "[1, true, null]";
                };
            }
            ObjectNode copy = object.deepCopy();
            String field = copy.fieldNames().next();
            JsonNode fieldSchema = document.resolve(schema.path("properties").path(field));
            switch (this) {
                case WRONG_TYPE -> copy.set(field, copy.get(field).isTextual() ? JSON.booleanNode(false) : JSON.textNode("x"));
                case NUL_BYTE -> copy.put(field, "a\u0000b");
                case HUGE_NUMBER -> copy.set(field, JSON.numberNode(new BigInteger("99999999999999999999999999")));
                case UNKNOWN_ENUM -> copy.put(field, fieldSchema.has("enum") ? "not_an_allowed_value" : "\u0000");
                case MISSING_REQUIRED -> {
                    JsonNode required = schema.path("required");
                    copy.remove(required.size() > 0 ? required.get(0).asText() : field);
                }
                case EXTRA_FIELD -> copy.put("zz_not_a_field", 1);
                case NOT_JSON -> {
                    return write(copy).substring(0, write(copy).length() / 2);
                }
                case NOT_AN_OBJECT -> {
                    return "[" + write(copy) + "]";
                }
            }
            return write(copy);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
