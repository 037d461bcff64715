package io.sluice.pipeline.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum SourceFormat {
    @JsonProperty("csv") CSV,
    @JsonProperty("jsonl") JSONL,
    @JsonProperty("parquet") PARQUET;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
