package io.sluice.source;

import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.sluice.api.NamePatterns;


/** Body of {@code POST /api/v1/connectors} ({@code name} from the path on PUT). */
@Schema(name = "ConnectorRequest")
public record ConnectorRequest(
        @Schema(example = "inbox")
        @Pattern(regexp = NamePatterns.CONNECTOR, message = NamePatterns.CONNECTOR_MESSAGE)
        @Size(max = 100, message = NamePatterns.CONNECTOR_MESSAGE) String name,
        @Schema(required = true) ConnectorType type,
        @Schema(required = true, description = "local: {\"root\": \"/srv/inbox\"}; s3: {\"bucket\": \"b\", \"region\": "
                + "\"us-east-1\", \"endpoint\": \"http://127.0.0.1:9000\" (optional), \"pathStyle\": true, "
                + "\"accessKeyIdEnv\": \"S3_KEY\", \"secretAccessKeyEnv\": \"S3_SECRET\"} (names of environment "
                + "variables holding the credentials, both or neither; neither: the AWS SDK's default chain)") Map<String, Object> config) {
}
