package io.sluice.api;

/** Guards for request bodies that JAX-RS hands over as null when the client sent none. */
public final class RequestBodies {
    private RequestBodies() {
    }

    public static <T> T require(T body) {
        if (body == null) {
            throw SluiceException.badRequest("MissingBody", "A JSON request body is required");
        }
        return body;
    }
}
