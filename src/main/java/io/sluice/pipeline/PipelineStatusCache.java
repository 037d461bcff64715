package io.sluice.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@code selector=status} views of single pipelines, kept between reads that dashboards and
 * scripts repeat many times a second. Trusted only while {@link PipelineChangeListener} listens to
 * PostgreSQL's change notifications; a view being read while a change arrives is not stored (the
 * generation moved), so an entry is never older than the last notification it missed.
 */
@ApplicationScoped
public class PipelineStatusCache {
    private record Entry(PipelineStatusView view, long storedAtNanos) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean trusted;

    @Inject
    PipelineConfig config;

    /** The cached view of {@code name}, or null (not cached, too old, or the cache is not trusted). */
    public PipelineStatusView lookup(String name) {
        if (!trusted) {
            return null;
        }
        Entry e = entries.get(name);
        if (e == null || System.nanoTime() - e.storedAtNanos > config.statusCache().maxAge().toNanos()) {
            return null;
        }
        return e.view;
    }

    /** To pass to {@link #store}: the generation before the view was read. */
    public long generation() {
        return generation.get();
    }

    /** Keeps {@code view} unless a change was announced since {@code readGeneration}. */
    public void store(String name, PipelineStatusView view, long readGeneration) {
        if (!trusted || !config.statusCache().enabled()) {
            return;
        }
        if (entries.size() >= config.statusCache().maxEntries()) {
            entries.clear();
        }
        entries.put(name, new Entry(view, System.nanoTime()));
        // A change announced while storing must not leave the entry behind.
        if (generation.get() != readGeneration) {
            entries.remove(name);
        }
    }

    /** A change of pipeline {@code name} was announced (or made by this replica). */
    public void invalidate(String name) {
        generation.incrementAndGet();
        entries.remove(name);
    }

    /** Notifications flow: entries may be kept from now on. */
    void trust() {
        generation.incrementAndGet();
        entries.clear();
        trusted = true;
    }

    /** Notifications may be missed (no listening connection): nothing cached may be served. */
    void distrust() {
        trusted = false;
        generation.incrementAndGet();
        entries.clear();
    }

    /** Whether an entry for {@code name} is held, whatever its age (tests). */
    boolean holds(String name) {
        return entries.containsKey(name);
    }

    boolean trusted() {
        return trusted;
    }
}
