package io.sluice.live;

import com.fasterxml.jackson.databind.JsonNode;

/** One read of a live resource: its JSON body as sent, and the weak ETag of what it says. */
public record Snapshot(JsonNode tree, byte[] body, String etag) {
    public String text() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
}
