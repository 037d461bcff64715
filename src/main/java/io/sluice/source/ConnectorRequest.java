package io.sluice.source;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;


/** Body of {@code POST /api/v1/connectors} ({@code name} from the path on PUT). */
@Schema(name = "ConnectorRequest")
public record ConnectorRequest(
        @Schema(example = "inbox") String name,
        @Schema(required = true) ConnectorType type,
        @Schema(required = true, description = "local: {\"root\": \"/srv/inbox\"}") Map<String, Object> config) {
}
