package io.sluice.api.openapi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** The parts of the service's OpenAPI document the property test reads: operations, their parameters, bodies and responses. */
record OpenApiDocument(JsonNode root) {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /** One operation: method, path template, parameters, the JSON body schema (or missing) and the response codes. */
    record Operation(String method, String path, List<JsonNode> parameters, JsonNode body, JsonNode responses) {
        String name() {
            return method.toUpperCase() + " " + path;
        }

        boolean documents(int status) {
            return responses.has(Integer.toString(status)) || responses.has("default");
        }

        /** The schema of the JSON body of the response with this status, if documented. */
        Optional<JsonNode> responseSchema(int status) {
            JsonNode schema = responses.path(Integer.toString(status)).path("content").path("application/json").path("schema");
            return schema.isMissingNode() ? Optional.empty() : Optional.of(schema);
        }
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>();
                op.getValue().path("parameters").forEach(p -> parameters.add(resolve(p)));
                path.getValue().path("parameters").forEach(p -> parameters.add(resolve(p)));
                JsonNode body = resolve(op.getValue().path("requestBody")).path("content").path("application/json").path("schema");
                operations.add(new Operation(op.getKey(), path.getKey(), parameters, body, op.getValue().path("responses")));
            }
        }
        return operations;
    }

    /** Follows a local {@code $ref} ("#/components/schemas/X"); other nodes as they are. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int depth = 0; depth < 20 && current.has("$ref"); depth++) {
            String ref = current.get("$ref").asText();
            current = ref.startsWith("#/") ? root.at(ref.substring(1)) : MissingNode.getInstance();
        }
        return current;
    }

    /** The JSON types a schema allows ("type": "x" or ["x", "null"], "nullable"), empty when it does not say. */
    static List<String> types(JsonNode schema) {
        List<String> types = new ArrayList<>();
        JsonNode type = schema.path("type");
        if (type.isTextual()) {
            types.add(type.asText());
        } else if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        }
        if (schema.path("nullable").asBoolean(false)) {
            types.add("null");
        }
        return types;
    }
}
