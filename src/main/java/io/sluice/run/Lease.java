package io.sluice.run;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What this replica holds of a run or a partition while it works on it: the claim, whether the
 * lease was lost (not renewed in time, or renewed by nobody because another replica holds it now),
 * and whether this replica is stopping. Partitions ending wake the coordinators waiting for them.
 */
final class Lease<T> {
    private final T claim;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final BooleanSupplier stopping;
    private final Object changes;
    private volatile long renewedAt = System.nanoTime();

    Lease(T claim, BooleanSupplier stopping, Object changes) {
        this.claim = claim;
        this.stopping = stopping;
        this.changes = changes;
    }

    T claim() {
        return claim;
    }

    boolean lost() {
        return lost.get();
    }

    void markLost() {
        lost.set(true);
        wake();
    }

    boolean stopping() {
        return stopping.getAsBoolean();
    }

    void renewed() {
        renewedAt = System.nanoTime();
    }

    long renewedAt() {
        return renewedAt;
    }

    /** Waits until something local changed (a partition ended, stop) or {@code millis} passed. */
    void awaitChange(long millis) throws InterruptedException {
        synchronized (changes) {
            changes.wait(millis);
        }
    }

    void wake() {
        synchronized (changes) {
            changes.notifyAll();
        }
    }
}
