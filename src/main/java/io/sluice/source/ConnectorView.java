package io.sluice.source;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A connector as the API shows it (camelCase, /api/v1 face). Secrets are never part of it. */
@Schema(name = "Connector")
public record ConnectorView(
        @Schema(required = true) UUID id,
        @Schema(required = true) String name,
        @Schema(required = true) ConnectorType type,
        @Schema(required = true) Map<String, Object> config,
        @Schema(required = true) Instant createdAt,
        @Schema(required = true) Instant updatedAt) {
}
