package io.sluice.pipeline.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a run's rows meet the rows already in the target table. */
public enum LoadStrategy {
    @JsonProperty("append") APPEND,
    @JsonProperty("upsert") UPSERT,
    @JsonProperty("replace") REPLACE;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
