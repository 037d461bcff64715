package io.sluice.pipeline.spec;

import java.math.BigDecimal;
import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One per-column rule beyond the column's type. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValidationRule(
        @Schema(required = true) @NotNull(message = "is required (email, regex, range, enum, not_null)") Kind rule,
        @Schema(description = "For regex: the pattern the whole value must match") String pattern,
        @Schema(description = "For range: inclusive lower bound") BigDecimal min,
        @Schema(description = "For range: inclusive upper bound") BigDecimal max,
        @Schema(description = "For enum: the allowed values") List<String> values,
        @Schema(description = "Error message recorded instead of the default") String message) {

    @Schema(name = "ValidationRuleKind")
    public enum Kind {
        @JsonProperty("email") EMAIL,
        @JsonProperty("regex") REGEX,
        @JsonProperty("range") RANGE,
        @JsonProperty("enum") ENUM,
        @JsonProperty("not_null") NOT_NULL;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
