package io.sluice.pipeline.status;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Storage status; it changes only while the resources are Stopped (first provisioning excepted,
 * which takes Cleared to InUse as it starts):
 *
 * <pre>
 * Cleared -> InUse (first provisioning) -> Clearing (/clear) -> Cleared
 * </pre>
 */
public enum StorageStatus {
    Cleared, InUse, Clearing;

    private static final Map<StorageStatus, Set<StorageStatus>> NEXT = Map.of(
            Cleared, EnumSet.of(InUse),
            InUse, EnumSet.of(Clearing),
            Clearing, EnumSet.of(Cleared));

    public boolean canBecome(StorageStatus next) {
        return NEXT.get(this).contains(next);
    }
}
