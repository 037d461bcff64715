package io.sluice.source;

import java.util.Map;

import io.sluice.api.SluiceException;
import io.vertx.core.Context;

/** Failures shared by the source stores. */
final class SourceErrors {
    private SourceErrors() {
    }

    /** 422 {@code ConnectorUnreachable}: the connector exists but its files cannot be read now. */
    static SluiceException unreachable(String connector, String reason) {
        return SluiceException.unprocessable("ConnectorUnreachable",
                "Connector '" + connector + "' cannot be reached: " + reason,
                Map.of("connector", connector, "reason", reason));
    }

    /** Blocking store calls on an event loop would stall every request served by it. */
    static void requireBlockingAllowed() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("Blocking source I/O called on an event loop thread; use a worker thread");
        }
    }
}
