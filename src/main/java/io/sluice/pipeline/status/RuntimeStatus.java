package io.sluice.pipeline.status;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Runtime status of a provisioned pipeline (absent otherwise). Every value of the seed is part of
 * the contract; Sluice itself moves through Initializing, Running, Paused and Unavailable:
 *
 * <pre>
 * Initializing -> Running | Paused | Unavailable
 * Running <-> Paused
 * Running | Paused -> Unavailable -> Running | Paused
 * </pre>
 */
public enum RuntimeStatus {
    Unavailable, Coordination, Standby, Initializing, AwaitingApproval, Bootstrapping, Replaying, Paused, Running,
    Suspended;

    private static final Map<RuntimeStatus, Set<RuntimeStatus>> NEXT = Map.of(
            Initializing, EnumSet.of(Running, Paused, Unavailable),
            Running, EnumSet.of(Paused, Unavailable),
            Paused, EnumSet.of(Running, Unavailable),
            Unavailable, EnumSet.of(Running, Paused));

    public boolean canBecome(RuntimeStatus next) {
        return NEXT.getOrDefault(this, Set.of()).contains(next);
    }

    /** The status a runtime settles in when it does what was asked. */
    public static RuntimeStatus fulfilling(RuntimeDesiredStatus desired) {
        return desired == RuntimeDesiredStatus.Paused ? Paused : Running;
    }
}
