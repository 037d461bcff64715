package io.sluice.source;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum ConnectorType {
    /** A directory of this host (or a volume mounted into the container). */
    @JsonProperty("local") LOCAL;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
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
