package io.sluice.run;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A run's status (seed C): {@code pending -> running -> completed | completed_with_errors | failed};
 * a pending run can also fail (it never started, e.g. its replica stopped).
 */
public enum RunStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("running") RUNNING,
    @JsonProperty("completed") COMPLETED,
    @JsonProperty("failed") FAILED,
    @JsonProperty("completed_with_errors") COMPLETED_WITH_ERRORS;

    private static final Map<RunStatus, Set<RunStatus>> NEXT = Map.of(
            PENDING, EnumSet.of(RUNNING, FAILED),
            RUNNING, EnumSet.of(COMPLETED, COMPLETED_WITH_ERRORS, FAILED),
            COMPLETED, EnumSet.noneOf(RunStatus.class),
            FAILED, EnumSet.noneOf(RunStatus.class),
            COMPLETED_WITH_ERRORS, EnumSet.noneOf(RunStatus.class));

    public boolean canBecome(RunStatus next) {
        return NEXT.get(this).contains(next);
    }

    public boolean isFinished() {
        return NEXT.get(this).isEmpty();
    }

    /** Seed C: only failed and partially failed runs can be retried. */
    public boolean isRetryable() {
        return this == FAILED || this == COMPLETED_WITH_ERRORS;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunStatus fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    @Override
    public String toString() {
        return wire();
    }
}
