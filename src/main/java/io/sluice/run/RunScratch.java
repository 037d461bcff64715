package io.sluice.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.sluice.SluiceConfig;

/**
 * The local copies of a run's downloaded files (Parquet is read from a local file), shared by
 * whatever this replica does for the run (coordinating, loading partitions) and deleted when the
 * last of them is done.
 */
@ApplicationScoped
class RunScratch {
    private static final Logger LOG = Logger.getLogger(RunScratch.class);

    @Inject
    SluiceConfig sluice;

    /** A run's scratch directory and the files downloaded into it, by source path. */
    record Local(Path dir, Map<String, Path> downloads) {
    }

    private final Map<UUID, Local> open = new HashMap<>();
    private final Map<UUID, Integer> users = new HashMap<>();

    synchronized Local acquire(UUID runId) {
        users.merge(runId, 1, Integer::sum);
        return open.computeIfAbsent(runId, id -> new Local(sluice.dataDir().resolve("tmp").resolve("run-" + id),
                new ConcurrentHashMap<>()));
    }

    void release(UUID runId) {
        Local done;
        synchronized (this) {
            if (users.merge(runId, -1, Integer::sum) > 0) {
                return;
            }
            users.remove(runId);
            done = open.remove(runId);
        }
        if (done != null) {
            delete(done.dir());
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("Could not delete %s: %s", dir, e.getMessage());
        }
    }
}
