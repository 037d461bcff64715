package io.sluice.security.openapi;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Documents what {@code io.sluice.security.AccessFilter} enforces: one bearer security scheme (JWT or
 * API key), required globally, and the 401/403 error responses ({@code ErrorResponse}) on every
 * operation. Registered with {@code mp.openapi.filter}; idempotent, as it may run at build time and
 * again at startup.
 */
public class SecurityOpenApiFilter implements OASFilter {
    /** Name of the security scheme in {@code components.securitySchemes}. */
    public static final String SCHEME = "JWTOrApiKey";
    static final String ERROR_SCHEMA = "ErrorResponse";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        if (components.getSecuritySchemes() == null || !components.getSecuritySchemes().containsKey(SCHEME)) {
            components.addSecurityScheme(SCHEME, OASFactory.createSecurityScheme()
                    .type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("JSON web token (JWT) or API key, in the Authorization header: use a JWT token "
                            + "obtained via an OAuth2/OIDC login workflow or an API key obtained via the "
                            + "`/v0/api-keys` endpoint."));
        }
        if (components.getSchemas() == null || !components.getSchemas().containsKey(ERROR_SCHEMA)) {
            components.addSchema(ERROR_SCHEMA, errorSchema());
        }
        List<SecurityRequirement> security = openAPI.getSecurity();
        if (security == null || security.stream().noneMatch(r -> r.hasScheme(SCHEME))) {
            openAPI.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(SCHEME));
        }
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            Map<PathItem.HttpMethod, Operation> operations = item.getOperations();
            if (operations == null) {
                continue;
            }
            for (Operation operation : operations.values()) {
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                addIfMissing(responses, "401", "Unauthorized: no bearer token, or an invalid, expired or revoked one");
                addIfMissing(responses, "403", "Forbidden: the caller's role is too weak for this operation");
            }
        }
    }

    private static void addIfMissing(APIResponses responses, String code, String description) {
        if (responses.hasAPIResponse(code)) {
            return;
        }
        APIResponse response = OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR_SCHEMA))));
        responses.addAPIResponse(code, response);
    }

    /** The shape of {@code io.sluice.api.ApiError}, for documents in which no operation referenced it yet. */
    private static Schema errorSchema() {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("Information returned by REST API endpoints on error.")
                .required(List.of("message", "error_code"))
                .addProperty("message", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("Human-readable error message."))
                .addProperty("error_code", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("Error code is a string that specifies this error type."))
                .addProperty("details", OASFactory.createSchema()
                        .description("Detailed error metadata. The contents of this field is determined by error_code."));
    }
}
