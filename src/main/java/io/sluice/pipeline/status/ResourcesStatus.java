package io.sluice.pipeline.status;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Pipeline resources status, exactly the seed's diagram:
 *
 * <pre>
 * Stopped -> Provisioning -> Provisioned -> Stopping -> Stopped
 * Stopped -> Stopping            (/start, early start failed)
 * Provisioning -> Stopping       (/stop?force=true, timeout, fatal error)
 * </pre>
 */
public enum ResourcesStatus {
    Stopped, Provisioning, Provisioned, Stopping;

    private static final Map<ResourcesStatus, Set<ResourcesStatus>> NEXT = Map.of(
            Stopped, EnumSet.of(Provisioning, Stopping),
            Provisioning, EnumSet.of(Provisioned, Stopping),
            Provisioned, EnumSet.of(Stopping),
            Stopping, EnumSet.of(Stopped));

    public boolean canBecome(ResourcesStatus next) {
        return NEXT.get(this).contains(next);
    }
}
