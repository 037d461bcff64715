package io.sluice.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The one error body of every endpoint: {@code {"message", "error_code", "details"}}. */
@Schema(name = "ErrorResponse", description = "Information returned by REST API endpoints on error.")
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(
        @Schema(required = true, description = "Human-readable error message.") String message,
        @JsonProperty("error_code") @Schema(required = true, description = "Error code is a string that specifies this error type.") String errorCode,
        @Schema(description = "Detailed error metadata. The contents of this field is determined by error_code.", nullable = true) Object details) {
}
