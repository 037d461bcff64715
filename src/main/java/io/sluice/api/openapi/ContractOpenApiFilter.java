package io.sluice.api.openapi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The responses every operation can give whatever its resource says, so that generated clients know
 * each status the service returns: 400 (a parameter or body the service refuses: bean validation,
 * malformed JSON), 404 (a path naming nothing), 413 (a body too large), 415 (a POST, PUT or PATCH whose
 * Content-Type is not JSON), 503 (a secured operation while the key store is unreachable). It also gives
 * each response a description (required by OpenAPI; generators refuse a document without them) and
 * each operation an {@code operationId} from its summary, which names the generated client methods.
 * Runs when the document is built (it is then stored in target/openapi and served as built).
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ContractOpenApiFilter implements OASFilter {
    static final String ERROR_REF = "#/components/schemas/ErrorResponse";
    private static final Set<PathItem.HttpMethod> WRITES = Set.of(PathItem.HttpMethod.POST, PathItem.HttpMethod.PUT,
            PathItem.HttpMethod.PATCH);

    /** Where the free-form JSON fields point (application.properties, mp.openapi.schema.*JsonNode). */
    static final String ANY_VALUE_REF = "#/components/schemas/AnyValue";

    /**
     * A nullable enum lists null among its values, or validators refuse the null it documents. "Any
     * JSON value or null" is any JSON value: the anyOf confuses generators (typescript-fetch emits
     * calls of an unnamed converter). A type beside "anyOf [X, null]" admits null too, or the two
     * contradict each other (a nullable record component comes out as type object).
     */
    @Override
    public Schema filterSchema(Schema schema) {
        List<Schema> anyOf = schema.getAnyOf();
        if (anyOf != null && anyOf.size() == 2 && anyOf.stream().anyMatch(s -> ANY_VALUE_REF.equals(s.getRef()))
                && anyOf.stream().anyMatch(s -> s.getType() != null && s.getType().equals(List.of(Schema.SchemaType.NULL)))) {
            schema.setAnyOf(null);
            schema.setRef(ANY_VALUE_REF);
        } else if (anyOf != null && schema.getType() != null && !schema.getType().contains(Schema.SchemaType.NULL)
                && anyOf.stream().anyMatch(s -> s.getType() != null && s.getType().equals(List.of(Schema.SchemaType.NULL)))) {
            List<Schema.SchemaType> types = new ArrayList<>(schema.getType());
            types.add(Schema.SchemaType.NULL);
            schema.setType(types);
        }
        if (schema.getEnumeration() != null && !schema.getEnumeration().contains(null)
                && schema.getType() != null && schema.getType().contains(Schema.SchemaType.NULL)) {
            List<Object> values = new ArrayList<>(schema.getEnumeration());
            values.add(null);
            schema.setEnumeration(values);
        }
        return schema;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        Set<String> operationIds = new HashSet<>();
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            Map<PathItem.HttpMethod, Operation> operations = path.getValue().getOperations();
            if (operations == null) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> entry : operations.entrySet()) {
                Operation operation = entry.getValue();
                name(operation, entry.getKey(), path.getKey(), operationIds);
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
                boolean body = operation.getRequestBody() != null;
                if (body || !parameters.isEmpty()) {
                    addError(responses, "400", "Bad request: a parameter or the body is missing, malformed or out of range");
                }
                if (parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH)) {
                    addError(responses, "404", "Not found: the path names nothing that exists");
                }
                if (body) {
                    addError(responses, "413", "Payload too large: the body exceeds quarkus.http.limits.max-body-size");
                }
                if (body || WRITES.contains(entry.getKey())) {
                    // also without a body: a Content-Type other than application/json is refused
                    addError(responses, "415", "Unsupported media type: a Content-Type other than application/json");
                }
                if (operation.getSecurity() == null || !operation.getSecurity().isEmpty()) {
                    addError(responses, "503", "Service unavailable: credentials cannot be checked while PostgreSQL is unreachable");
                }
                describe(responses);
            }
        }
    }

    /**
     * The names of the operations, which generated clients turn into method names. The /v0 face takes
     * Feldera's operationIds, so that a client generated from either document names calls alike.
     */
    private static final Map<String, String> OPERATION_IDS = Map.ofEntries(
            Map.entry("GET /v0/pipelines", "list_pipelines"),
            Map.entry("POST /v0/pipelines", "post_pipeline"),
            Map.entry("GET /v0/pipelines/{pipeline_name}", "get_pipeline"),
            Map.entry("PUT /v0/pipelines/{pipeline_name}", "put_pipeline"),
            Map.entry("PATCH /v0/pipelines/{pipeline_name}", "patch_pipeline"),
            Map.entry("DELETE /v0/pipelines/{pipeline_name}", "delete_pipeline"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/start", "post_pipeline_start"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/pause", "post_pipeline_pause"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/resume", "post_pipeline_resume"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/stop", "post_pipeline_stop"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/clear", "post_pipeline_clear"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/dismiss_error", "post_pipeline_dismiss_error"),
            Map.entry("GET /v0/pipelines/{pipeline_name}/stats", "get_pipeline_stats"),
            Map.entry("GET /v0/pipelines/{pipeline_name}/events", "list_pipeline_events"),
            Map.entry("GET /v0/pipelines/{pipeline_name}/events/{event_id}", "get_pipeline_event"),
            Map.entry("GET /v0/api-keys", "list_api_keys"),
            Map.entry("POST /v0/api-keys", "post_api_key"),
            Map.entry("GET /v0/api-keys/{api_key_name}", "get_api_key"),
            Map.entry("DELETE /v0/api-keys/{api_key_name}", "delete_api_key"),
            Map.entry("GET /v0/config", "get_config"),
            Map.entry("GET /v0/cluster_healthz", "get_cluster_health"),
            Map.entry("GET /v0/pipelines/{pipeline_name}/{action}", "get_pipeline_unsupported"),
            Map.entry("POST /v0/pipelines/{pipeline_name}/{action}", "post_pipeline_unsupported"),
            Map.entry("GET /api/v1/connectors", "listConnectors"),
            Map.entry("POST /api/v1/connectors", "createConnector"),
            Map.entry("GET /api/v1/connectors/{name}", "getConnector"),
            Map.entry("PUT /api/v1/connectors/{name}", "replaceConnector"),
            Map.entry("DELETE /api/v1/connectors/{name}", "deleteConnector"),
            Map.entry("POST /api/v1/pipelines/{id}/runs", "triggerRun"),
            Map.entry("GET /api/v1/pipelines/{id}/runs", "listRuns"),
            Map.entry("GET /api/v1/pipelines/{id}/runs/{runId}", "getRun"),
            Map.entry("GET /api/v1/pipelines/{id}/runs/{runId}/progress", "getRunProgress"),
            Map.entry("GET /api/v1/pipelines/{id}/runs/{runId}/errors", "getRunErrors"),
            Map.entry("POST /api/v1/pipelines/{id}/runs/{runId}/retry", "retryRun"),
            Map.entry("GET /api/v1/pipelines/poll", "getPollingStatus"),
            Map.entry("POST /api/v1/pipelines/poll", "pollNow"),
            Map.entry("GET /tables", "listTables"),
            Map.entry("POST /tables", "createTable"),
            Map.entry("GET /tables/{tableName}", "getTable"),
            Map.entry("DELETE /tables/{tableName}", "deleteTable"),
            Map.entry("GET /tables/{tableNameWithType}/externalTable/status", "getExternalTableStatus"),
            Map.entry("GET /tables/{tableNameWithType}/externalTable/checkpoint", "getExternalTableCheckpoint"),
            Map.entry("POST /tasks/schedule", "scheduleTask"));

    /** The operationId of the table above; else one from the summary up to its first punctuation, unique in the document. */
    private static void name(Operation operation, PathItem.HttpMethod method, String path, Set<String> taken) {
        String id = OPERATION_IDS.get(method.name() + " " + path);
        if (id == null && operation.getOperationId() == null) {
            String source = operation.getSummary() != null ? operation.getSummary().split("[(:;,]")[0]
                    : method.name().toLowerCase(Locale.ROOT) + " " + path;
            StringBuilder camel = new StringBuilder();
            for (String word : source.split("[^A-Za-z0-9]+")) {
                if (word.isEmpty() || List.of("a", "an", "the").contains(word.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                camel.append(camel.isEmpty() ? word.toLowerCase(Locale.ROOT)
                        : Character.toUpperCase(word.charAt(0)) + word.substring(1).toLowerCase(Locale.ROOT));
            }
            id = camel.toString();
        } else if (id == null) {
            id = operation.getOperationId();
        }
        String base = id;
        for (int n = 2; taken.contains(id); n++) {
            id = base + n;
        }
        operation.setOperationId(id);
        taken.add(id);
    }

    private static void addError(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    /** Every response gets a description; an error response without a body schema gets the error body. */
    private static void describe(APIResponses responses) {
        for (Map.Entry<String, APIResponse> entry : responses.getAPIResponses().entrySet()) {
            APIResponse response = entry.getValue();
            if (response.getRef() != null) {
                continue;
            }
            if (response.getDescription() == null || response.getDescription().isBlank()) {
                response.setDescription(reason(entry.getKey()));
            }
            if (entry.getKey().startsWith("4") && (response.getContent() == null
                    || response.getContent().getMediaTypes() == null || response.getContent().getMediaTypes().isEmpty())) {
                response.setContent(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR_REF))));
            }
        }
    }

    private static String reason(String code) {
        return switch (code) {
            case "200" -> "OK";
            case "201" -> "Created";
            case "202" -> "Accepted";
            case "204" -> "No content";
            case "400" -> "Bad request";
            case "401" -> "Unauthorized";
            case "403" -> "Forbidden";
            case "404" -> "Not found";
            case "409" -> "Conflict";
            case "413" -> "Payload too large";
            case "415" -> "Unsupported media type";
            case "422" -> "Unprocessable";
            case "501" -> "Not implemented";
            case "503" -> "Service unavailable";
            default -> "Status " + code;
        };
    }
}
