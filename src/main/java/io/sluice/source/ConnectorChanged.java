package io.sluice.source;

import java.util.UUID;

/** CDI event: a connector's configuration was replaced or the connector was deleted. */
public record ConnectorChanged(UUID id) {
}
