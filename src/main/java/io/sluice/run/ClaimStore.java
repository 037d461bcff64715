package io.sluice.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The leases of runs and partitions, and the replicas that hold them ({@code sluice.replica}, the
 * claim columns of {@code sluice.run} and {@code sluice.run_partition}). A claim takes a pending
 * item or one whose lease expired, with {@code FOR UPDATE SKIP LOCKED} so replicas claiming at
 * once never wait for each other nor take the same item; it bumps the generation, which every later
 * write of the holder checks.
 */
@ApplicationScoped
class ClaimStore {
    @Inject
    Pool pool;

    /** A run this replica coordinates: its generation, and the replica that had it before (null: none). */
    record RunClaim(UUID runId, long generation, String previous) {
    }

    /** A partition this replica loads, under that generation; {@code previous}: its earlier holder, if any. */
    record PartitionClaim(UUID runId, int index, long generation, String previous, long rows) {
    }

    /** A partition's state, as its run's coordinator watches it. */
    record PartitionState(int index, String status, String error) {
    }

    /** This replica is alive (registered on first call); replicas silent for long are forgotten. */
    Uni<Void> replicaAlive(String replica, Duration ttl) {
        return pool.preparedQuery("""
                INSERT INTO sluice.replica (id, started_at, heartbeat_at) VALUES ($1, now(), now())
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()""").execute(Tuple.of(replica))
                .chain(() -> pool.preparedQuery("DELETE FROM sluice.replica WHERE heartbeat_at < now() - make_interval(secs => $1)")
                        .execute(Tuple.of(seconds(ttl) * 30)))
                .replaceWithVoid();
    }

    Uni<Void> replicaGone(String replica) {
        return pool.preparedQuery("DELETE FROM sluice.replica WHERE id = $1").execute(Tuple.of(replica)).replaceWithVoid();
    }

    /**
     * The oldest run that is pending, or running without a live coordinator (its heartbeat older
     * than {@code ttl}): now coordinated by {@code replica}, running.
     */
    Uni<Optional<RunClaim>> claimRun(String replica, Duration ttl) {
        return pool.preparedQuery("""
                UPDATE sluice.run r SET status = 'running', started_at = coalesce(r.started_at, now()), owner = $1,
                    owner_generation = r.owner_generation + 1, heartbeat_at = now()
                FROM (SELECT id, owner FROM sluice.run
                      WHERE status = 'pending'
                         OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $2)))
                      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) c
                WHERE r.id = c.id
                RETURNING r.id, r.owner_generation, c.owner""").execute(Tuple.of(replica, seconds(ttl)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(runClaim(rows.iterator().next())));
    }

    private static RunClaim runClaim(Row r) {
        return new RunClaim(r.getUUID(0), r.getLong(1), r.getString(2));
    }

    /**
     * A partition of a loading run that is pending or whose lease expired, now leased to
     * {@code replica} for {@code ttl}. A run's partitions are shared among the live replicas: this one
     * takes at most its share of one run (partitions / live replicas, rounded up) until the run has
     * been loading for {@code spreadAfter}; after that any replica with room takes what is left.
     */
    Uni<Optional<PartitionClaim>> claimPartition(String replica, Duration ttl, Duration spreadAfter) {
        return pool.preparedQuery("""
                UPDATE sluice.run_partition p SET status = 'running', claimed_by = $1,
                    claim_generation = p.claim_generation + 1, claim_expires_at = now() + make_interval(secs => $2)
                FROM (SELECT pp.run_id, pp.index, pp.claimed_by FROM sluice.run_partition pp JOIN sluice.run r ON r.id = pp.run_id
                      WHERE r.status = 'running' AND r.loading_since IS NOT NULL
                        AND (pp.status = 'pending'
                             OR (pp.status = 'running' AND (pp.claim_expires_at IS NULL OR pp.claim_expires_at < now())))
                        AND (r.loading_since < now() - make_interval(secs => $3)
                             OR (SELECT count(*) FROM sluice.run_partition m WHERE m.run_id = pp.run_id AND m.claimed_by = $1
                                   AND m.status = 'running')
                                < ceil(r.partitions::numeric / greatest(1, (SELECT count(*) FROM sluice.replica
                                       WHERE heartbeat_at >= now() - make_interval(secs => $2)))))
                      ORDER BY r.created_at, pp.index LIMIT 1 FOR UPDATE OF pp SKIP LOCKED) c
                WHERE p.run_id = c.run_id AND p.index = c.index
                RETURNING p.run_id, p.index, p.claim_generation, c.claimed_by, p.rows""")
                .execute(Tuple.of(replica, seconds(ttl), seconds(spreadAfter)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new PartitionClaim(r.getUUID(0), r.getInteger(1), r.getLong(2), r.getString(3), r.getLong(4)));
                });
    }

    /** Extends the leases still held; returns those (run id + ":" + index) that are. */
    Uni<Set<String>> renewPartitions(String replica, Duration ttl, List<PartitionClaim> held) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] runs = held.stream().map(PartitionClaim::runId).toArray(UUID[]::new);
        Integer[] indexes = held.stream().map(PartitionClaim::index).toArray(Integer[]::new);
        Long[] generations = held.stream().map(PartitionClaim::generation).toArray(Long[]::new);
        return pool.preparedQuery("""
                UPDATE sluice.run_partition p SET claim_expires_at = now() + make_interval(secs => $2)
                FROM unnest($3::uuid[], $4::int[], $5::bigint[]) AS k(run_id, index, generation)
                WHERE p.run_id = k.run_id AND p.index = k.index AND p.claim_generation = k.generation
                  AND p.claimed_by = $1 AND p.status = 'running'
                RETURNING p.run_id, p.index""")
                .execute(Tuple.of(replica, seconds(ttl), runs, indexes, generations))
                .map(rows -> {
                    Set<String> kept = new HashSet<>();
                    rows.forEach(r -> kept.add(key(r.getUUID(0), r.getInteger(1))));
                    return kept;
                });
    }

    static String key(UUID runId, int index) {
        return runId + ":" + index;
    }

    /** The coordinators' heartbeat; returns the runs still coordinated by {@code replica} under their generation. */
    Uni<Set<UUID>> renewRuns(String replica, List<RunClaim> held) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = held.stream().map(RunClaim::runId).toArray(UUID[]::new);
        Long[] generations = held.stream().map(RunClaim::generation).toArray(Long[]::new);
        return pool.preparedQuery("""
                UPDATE sluice.run r SET heartbeat_at = now()
                FROM unnest($2::uuid[], $3::bigint[]) AS k(id, generation)
                WHERE r.id = k.id AND r.owner_generation = k.generation AND r.owner = $1 AND r.status = 'running'
                RETURNING r.id""").execute(Tuple.of(replica, ids, generations))
                .map(rows -> {
                    Set<UUID> kept = new HashSet<>();
                    rows.forEach(r -> kept.add(r.getUUID(0)));
                    return kept;
                });
    }

    /** Gives a partition up for another replica to take at once (graceful shutdown). */
    Uni<Void> releasePartition(PartitionClaim c) {
        return pool.preparedQuery("""
                UPDATE sluice.run_partition SET claim_expires_at = '-infinity'
                WHERE run_id = $1 AND index = $2 AND claim_generation = $3 AND status = 'running'""")
                .execute(Tuple.of(c.runId(), c.index(), c.generation())).replaceWithVoid();
    }

    /** Gives a run's coordination up for another replica to take at once (graceful shutdown). */
    Uni<Void> releaseRun(RunClaim c) {
        return pool.preparedQuery("""
                UPDATE sluice.run SET heartbeat_at = '-infinity'
                WHERE id = $1 AND owner_generation = $2 AND status = 'running'""")
                .execute(Tuple.of(c.runId(), c.generation())).replaceWithVoid();
    }

    /** The partition is loaded; false when its lease is no longer this claim's. */
    Uni<Boolean> completePartition(PartitionClaim c) {
        return endPartition(c, "completed", null);
    }

    /** The partition failed (the run fails with its reason); false when its lease is no longer this claim's. */
    Uni<Boolean> failPartition(PartitionClaim c, String error) {
        return endPartition(c, "failed", error);
    }

    private Uni<Boolean> endPartition(PartitionClaim c, String status, String error) {
        return pool.preparedQuery("""
                UPDATE sluice.run_partition SET status = $4, error = $5, claim_expires_at = NULL
                WHERE run_id = $1 AND index = $2 AND claim_generation = $3 AND status = 'running'""")
                .execute(Tuple.of(c.runId(), c.index(), c.generation(), status, error)).map(r -> r.rowCount() == 1);
    }

    Uni<List<PartitionState>> partitionStates(UUID runId) {
        return pool.preparedQuery("SELECT index, status, error FROM sluice.run_partition WHERE run_id = $1 ORDER BY index")
                .execute(Tuple.of(runId)).map(rows -> {
                    List<PartitionState> states = new ArrayList<>();
                    rows.forEach(r -> states.add(new PartitionState(r.getInteger(0), r.getString(1), r.getString(2))));
                    return states;
                });
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
