package io.sluice.run;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Takes work for this replica: the oldest pending run (or one whose coordinator's lease expired) to
 * coordinate ({@link RunExecutor}), and partitions of loading runs to load ({@link PartitionWorker}),
 * as long as it has room ({@code sluice.run.max-runs}, {@code sluice.run.max-partitions}). Every
 * replica does this, every second and whenever a run is created or starts loading here, so a run's
 * partitions spread over the replicas and whatever a dead, frozen or stopped replica held is taken
 * over once its lease expires (at once after a graceful shutdown, which releases it).
 * Heartbeats renew the leases held; a lease that could not be renewed in time is lost locally too,
 * and its holder stops.
 */
@ApplicationScoped
public class RunClaimer {
    private static final Logger LOG = Logger.getLogger(RunClaimer.class);

    @Inject
    ClaimStore claims;
    @Inject
    Replica replica;
    @Inject
    RunConfig config;
    @Inject
    RunThreads threads;
    @Inject
    RunExecutor coordinator;
    @Inject
    PartitionWorker worker;

    private final Map<UUID, Lease<ClaimStore.RunClaim>> coordinating = new ConcurrentHashMap<>();
    private final Map<String, Lease<ClaimStore.PartitionClaim>> loading = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile long lastFailureLog;

    /** Looks for work now (a run was created, or started loading), on a run thread. */
    public void poke() {
        again.set(true);
        if (stopping || !claiming.compareAndSet(false, true)) {
            return;
        }
        try {
            threads.submit(() -> {
                try {
                    while (again.getAndSet(false) && !stopping) {
                        claimWhatFits();
                    }
                } finally {
                    claiming.set(false);
                }
                if (again.get()) {
                    poke(); // poked between the last round and the release
                }
            });
        } catch (RejectedExecutionException e) {
            claiming.set(false); // stopping
        }
    }

    /** Whether this replica coordinates the run right now. */
    public boolean isCoordinating(UUID runId) {
        return coordinating.containsKey(runId);
    }

    @Scheduled(every = "1s", delay = 2, delayUnit = java.util.concurrent.TimeUnit.SECONDS,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void everySecond() {
        poke();
    }

    private void claimWhatFits() {
        Duration ttl = config.heartbeatTimeout();
        try {
            while (!stopping && coordinating.size() < config.maxRuns()) {
                Optional<ClaimStore.RunClaim> run = await(claims.claimRun(replica.id(), ttl));
                if (run.isEmpty()) {
                    break;
                }
                Lease<ClaimStore.RunClaim> lease = new Lease<>(run.get(), () -> stopping, changes);
                coordinating.put(run.get().runId(), lease);
                threads.submit(() -> {
                    try {
                        coordinator.coordinate(lease, this::poke);
                    } finally {
                        coordinating.remove(run.get().runId());
                        poke();
                    }
                });
            }
            while (!stopping && loading.size() < config.maxPartitions()) {
                Optional<ClaimStore.PartitionClaim> part = await(claims.claimPartition(replica.id(), ttl, config.spreadWait()));
                if (part.isEmpty()) {
                    break;
                }
                ClaimStore.PartitionClaim claim = part.get();
                String key = ClaimStore.key(claim.runId(), claim.index());
                Lease<ClaimStore.PartitionClaim> lease = new Lease<>(claim, () -> stopping, changes);
                loading.put(key, lease);
                threads.submit(() -> {
                    try {
                        worker.work(claim, lease::lost, lease::stopping);
                    } finally {
                        loading.remove(key);
                        lease.wake(); // a coordinator here may be waiting for this partition
                        poke();
                    }
                });
            }
        } catch (RejectedExecutionException e) {
            // stopping
        } catch (RuntimeException e) {
            failedQuietly("Claiming runs and partitions failed: " + e.getMessage());
        }
    }

    /** Renews this replica's leases; those not renewed within the timeout are lost here too. */
    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (stopping) {
            return;
        }
        Duration ttl = config.heartbeatTimeout();
        try {
            await(claims.replicaAlive(replica.id(), ttl));
            List<Lease<ClaimStore.PartitionClaim>> parts = List.copyOf(loading.values());
            Set<String> keptParts = await(claims.renewPartitions(replica.id(), ttl, parts.stream().map(Lease::claim).toList()));
            for (Lease<ClaimStore.PartitionClaim> l : parts) {
                if (keptParts.contains(ClaimStore.key(l.claim().runId(), l.claim().index()))) {
                    l.renewed();
                } else if (!l.lost() && loading.containsValue(l)) {
                    // ended meanwhile, or another replica holds it now
                    l.markLost();
                }
            }
            List<Lease<ClaimStore.RunClaim>> runs = List.copyOf(coordinating.values());
            Set<UUID> keptRuns = await(claims.renewRuns(replica.id(), runs.stream().map(Lease::claim).toList()));
            for (Lease<ClaimStore.RunClaim> l : runs) {
                if (keptRuns.contains(l.claim().runId())) {
                    l.renewed();
                } else if (coordinating.containsValue(l)) {
                    l.markLost();
                }
            }
        } catch (RuntimeException e) {
            failedQuietly("Renewing this replica's leases failed: " + e.getMessage());
        }
        // Not renewed for a whole lease: another replica may hold it now, stop before it starts.
        long expired = System.nanoTime() - ttl.toNanos();
        loading.values().stream().filter(l -> l.renewedAt() < expired).forEach(Lease::markLost);
        coordinating.values().stream().filter(l -> l.renewedAt() < expired).forEach(Lease::markLost);
    }

    /**
     * Graceful shutdown: nothing more is claimed; partitions stop after the batch they are
     * committing and release their leases, coordinators release theirs, so other replicas go on at
     * once (or this deployment's next start does).
     */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        synchronized (changes) {
            changes.notifyAll();
        }
        try {
            if (!threads.shutdown(20)) {
                LOG.warn("Runs still loading at shutdown; their leases expire and another replica (or the next start) takes them over");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            claims.replicaGone(replica.id()).await().atMost(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debugf("Leaving the replica table: %s", e.getMessage());
        }
    }

    UUID[] coordinatedRuns() {
        return coordinating.keySet().toArray(new UUID[0]);
    }

    /** One warning per 30 s while PostgreSQL is unreachable, not one per second. */
    private void failedQuietly(String message) {
        long now = System.nanoTime();
        if (now - lastFailureLog > Duration.ofSeconds(30).toNanos()) {
            lastFailureLog = now;
            LOG.warn(message);
        } else {
            LOG.debug(message);
        }
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }
}
