package io.sluice.security.apikey;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.sluice.api.NamePatterns;

import io.sluice.security.Role;

/** Bodies of {@code /v0/api-keys} (snake_case, like the rest of {@code /v0}). */
public final class ApiKeyDtos {
    private ApiKeyDtos() {
    }

    /** {@code POST /v0/api-keys}. */
    @Schema(name = "NewApiKeyRequest", description = "Request to create a new API key.")
    public record NewApiKey(
            @Schema(required = true, description = "Unique name of the key.", examples = "ci")
            @Pattern(regexp = NamePatterns.API_KEY, message = NamePatterns.API_KEY_MESSAGE)
            @Size(max = 128, message = NamePatterns.API_KEY_MESSAGE) String name,
            @Schema(description = "Role of the key; read and write are Feldera's names of viewer and editor. Default: viewer (Feldera's read).",
                    enumeration = { "admin", "editor", "viewer", "read", "write" }, examples = "editor", nullable = true) String role) {
    }

    /** The one response that contains the key. */
    @JsonPropertyOrder({ "name", "id", "api_key" })
    @Schema(name = "NewApiKeyResponse", description = "The new API key; this is the only time the key is shown.")
    public record CreatedApiKey(
            @Schema(required = true) String name,
            @Schema(required = true) UUID id,
            @JsonProperty("api_key") @Schema(required = true, description = "The key, to send as 'Authorization: Bearer <key>'. Store it now: it cannot be shown again.") String apiKey) {
    }

    /** A key as listed: never the key itself nor its hash. */
    @JsonPropertyOrder({ "id", "name", "role", "created_at" })
    @Schema(name = "ApiKeyDescr", description = "API key descriptor.")
    public record ApiKeyView(
            @Schema(required = true) UUID id,
            @Schema(required = true) String name,
            @Schema(required = true, enumeration = { "admin", "editor", "viewer" }, implementation = String.class) Role role,
            @JsonProperty("created_at") @Schema(required = true) Instant createdAt) {

        static ApiKeyView of(ApiKey key) {
            return new ApiKeyView(key.id, key.name, key.role, key.createdAt);
        }
    }
}
