package io.sluice.run;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;

import io.sluice.pipeline.StorageCleared;

/** Counts the {@link StorageCleared} events of each pipeline: one /clear must fire exactly one. */
@ApplicationScoped
public class StorageClearedEvents {
    private static final ConcurrentHashMap<UUID, AtomicInteger> FIRED = new ConcurrentHashMap<>();

    void onCleared(@ObservesAsync StorageCleared cleared) {
        FIRED.computeIfAbsent(cleared.pipelineId(), id -> new AtomicInteger()).incrementAndGet();
    }

    static int of(String pipelineId) {
        AtomicInteger n = FIRED.get(UUID.fromString(pipelineId));
        return n == null ? 0 : n.get();
    }
}
