package io.sluice.api;

import java.util.Map;

/**
 * A failure the client can act on: an HTTP status, a stable {@code error_code} and optional
 * details. Thrown anywhere, turned into {@link ApiError} in one place ({@link ErrorMapper}).
 */
public class SluiceException extends RuntimeException {
    private final int status;
    private final String errorCode;
    private final transient Object details;

    public SluiceException(int status, String errorCode, String message, Object details) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.details = details;
    }

    public SluiceException(int status, String errorCode, String message) {
        this(status, errorCode, message, null);
    }

    public static SluiceException badRequest(String errorCode, String message) {
        return new SluiceException(400, errorCode, message);
    }

    public static SluiceException badRequest(String errorCode, String message, Object details) {
        return new SluiceException(400, errorCode, message, details);
    }

    public static SluiceException notFound(String errorCode, String message, Object details) {
        return new SluiceException(404, errorCode, message, details);
    }

    public static SluiceException conflict(String errorCode, String message, Object details) {
        return new SluiceException(409, errorCode, message, details);
    }

    public static SluiceException unprocessable(String errorCode, String message, Object details) {
        return new SluiceException(422, errorCode, message, details);
    }

    /** The common 400 for a field whose value is missing or not allowed. */
    public static SluiceException invalidField(String field, String message) {
        return new SluiceException(400, "InvalidField", message, Map.of("field", field));
    }

    public int status() {
        return status;
    }

    public String errorCode() {
        return errorCode;
    }

    public Object details() {
        return details;
    }

    public ApiError toBody() {
        return new ApiError(getMessage(), errorCode, details);
    }
}
