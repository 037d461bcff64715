package io.sluice.coordination;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this replica currently runs the singleton work (reconciler, monitor, schedules, pollers).
 * Placeholder until ZooKeeper leader election lands: a single replica always leads.
 */
@ApplicationScoped
public class Leadership {
    public boolean isLeader() {
        return true;
    }
}
