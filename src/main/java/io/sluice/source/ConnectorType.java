package io.sluice.source;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ConnectorType {
    /** A directory of this host (or a volume mounted into the container). */
    @JsonProperty("local") LOCAL,
    /** A bucket of Amazon S3 or of an S3-compatible store (endpoint override, path-style access). */
    @JsonProperty("s3") S3;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The wire names, for error messages: "local, s3". */
    public static String allowed() {
        return Arrays.stream(values()).map(ConnectorType::toString).collect(Collectors.joining(", "));
    }

    public static ConnectorType fromWire(String value) {
        for (ConnectorType t : values()) {
            if (t.toString().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown connector type " + value);
    }
}
