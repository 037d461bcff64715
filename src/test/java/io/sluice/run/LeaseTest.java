package io.sluice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.load.CopyConnections;
import io.sluice.support.Api;
import io.sluice.support.TestDatabase;

/**
 * The leases of runs and partitions, statement by statement on the real PostgreSQL, without HTTP
 * and without this instance's own claimer (its bounds are 0 here, so it takes nothing): who may
 * claim what, how a run's partitions are shared among live replicas, takeover after expiry, and the
 * fence that makes a stale holder's batch transaction fail.
 */
@QuarkusTest
@TestProfile(LeaseTest.NoLocalClaims.class)
class LeaseTest {
    public static class NoLocalClaims implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.run.max-runs", "0", "sluice.run.max-partitions", "0");
        }
    }

    private static final Duration TTL = Duration.ofSeconds(10);
    private static final Duration SPREAD = Duration.ofSeconds(3);

    @Inject
    ClaimStore claims;
    @Inject
    RunStore store;
    @Inject
    CopyConnections copies;

    private UUID pipelineId;
    private final String a = "host-a/1/" + UUID.randomUUID();
    private final String b = "host-b/2/" + UUID.randomUUID();

    @BeforeEach
    void aPipelineWithoutRuns() {
        pipelineId = newPipeline();
        // Earlier tests' leftovers must not be claimable here: only this test's runs are active.
        TestDatabase.execute("UPDATE sluice.run SET status = 'failed' WHERE status IN ('pending', 'running')");
        TestDatabase.execute("DELETE FROM sluice.replica");
    }

    private final List<UUID> pipelines = new java.util.ArrayList<>();

    private UUID newPipeline() {
        String name = Api.unique("lease");
        Api.admin().body(Map.of("program_code", "CREATE TABLE " + name.replace('-', '_') + " (id BIGINT)"))
                .put("/v0/pipelines/" + name).then().statusCode(201);
        UUID id = UUID.fromString(Api.pipeline(name).getString("id"));
        pipelines.add(id);
        return id;
    }

    /** The hand-made runs must not outlive the test: the next test class's claimer would take them up. */
    @org.junit.jupiter.api.AfterEach
    void deleteTheRuns() {
        for (UUID id : pipelines) {
            TestDatabase.execute("DELETE FROM sluice.run WHERE pipeline_id = '" + id + "'");
        }
        TestDatabase.execute("DELETE FROM sluice.replica WHERE id IN ('" + a + "', '" + b + "')");
    }

    /** A run (pending, or loading with {@code partitions} pending partitions). */
    private UUID run(String status, boolean loading, int partitions) {
        return run(pipelineId, status, loading, partitions);
    }

    private UUID run(UUID pipelineId, String status, boolean loading, int partitions) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO sluice.run (id, pipeline_id, status, trigger, load_strategy, partitions, created_at,"
                + " heartbeat_at, loading_since) VALUES ('" + id + "', '" + pipelineId + "', '" + status + "', 'manual', 'append', "
                + partitions + ", now(), now(), " + (loading ? "now()" : "NULL") + ")");
        for (int i = 0; i < partitions; i++) {
            TestDatabase.execute("INSERT INTO sluice.run_partition (run_id, index, status, files) VALUES ('" + id + "', " + i
                    + ", 'pending', '[]')");
        }
        return id;
    }

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void aPendingRunIsClaimedOnceAndAnAbandonedOneIsTakenOverWithANewGeneration() {
        UUID id = run("pending", false, 0);
        ClaimStore.RunClaim first = await(claims.claimRun(a, TTL)).orElseThrow();
        assertEquals(id, first.runId());
        assertNull(first.previous());
        assertEquals(Optional.empty(), await(claims.claimRun(b, TTL)), "a coordinated run is nobody else's");
        assertEquals("running", TestDatabase.single("SELECT status FROM sluice.run WHERE id = '" + id + "'"));

        TestDatabase.execute("UPDATE sluice.run SET heartbeat_at = now() - interval '11 seconds' WHERE id = '" + id + "'");
        ClaimStore.RunClaim taken = await(claims.claimRun(b, TTL)).orElseThrow();
        assertEquals(first.generation() + 1, taken.generation());
        assertEquals(a, taken.previous());
        assertEquals(Set.of(), await(claims.renewRuns(a, List.of(first))), "the old coordinator's heartbeat renews nothing");
        assertEquals(Set.of(id), await(claims.renewRuns(b, List.of(taken))));
        assertEquals(0, await(store.finish(first, RunStatus.COMPLETED, null, false)), "the old coordinator cannot end it");
        assertEquals(1, await(store.finish(taken, RunStatus.COMPLETED, null, false)));
    }

    @Test
    void aReleasedRunIsTakenAtOnce() {
        run("pending", false, 0);
        ClaimStore.RunClaim first = await(claims.claimRun(a, TTL)).orElseThrow();
        await(claims.releaseRun(first));
        assertEquals(a, await(claims.claimRun(b, TTL)).orElseThrow().previous());
    }

    @Test
    void partitionsAreClaimableOnlyOnceTheRunLoads() {
        run("running", false, 2);
        assertEquals(Optional.empty(), await(claims.claimPartition(a, TTL, SPREAD)));
    }

    @Test
    void aRunsPartitionsAreSharedAmongLiveReplicasThenTakenByAnyoneWithRoom() {
        await(claims.replicaAlive(a, TTL));
        await(claims.replicaAlive(b, TTL));
        UUID id = run("running", true, 2);
        ClaimStore.PartitionClaim first = await(claims.claimPartition(a, TTL, SPREAD)).orElseThrow();
        assertEquals(id, first.runId());
        assertEquals(Optional.empty(), await(claims.claimPartition(a, TTL, SPREAD)), "a's share of two partitions over two replicas is one");
        ClaimStore.PartitionClaim second = await(claims.claimPartition(b, TTL, SPREAD)).orElseThrow();
        assertEquals(1 - first.index(), second.index());

        UUID later = run(newPipeline(), "running", true, 2);
        TestDatabase.execute("UPDATE sluice.run SET loading_since = now() - interval '4 seconds' WHERE id = '" + later + "'");
        assertEquals(later, await(claims.claimPartition(a, TTL, SPREAD)).orElseThrow().runId());
        assertEquals(later, await(claims.claimPartition(a, TTL, SPREAD)).orElseThrow().runId(),
                "after the spread wait, a replica with room takes what is left");
    }

    @Test
    void anExpiredPartitionIsTakenOverAndItsFormerHolderIsFencedOut() throws Exception {
        UUID id = run("running", true, 1);
        ClaimStore.PartitionClaim stale = await(claims.claimPartition(a, TTL, SPREAD)).orElseThrow();
        try (LoadConnection tx = new LoadConnection(copies.open())) {
            store.advancePartition(tx, stale, 100, 0, 100, TTL);
            tx.commit();
        }
        assertEquals(Optional.empty(), await(claims.claimPartition(b, TTL, SPREAD)), "a live lease is not taken");

        TestDatabase.execute("UPDATE sluice.run_partition SET claim_expires_at = now() - interval '1 second' WHERE run_id = '" + id + "'");
        ClaimStore.PartitionClaim taken = await(claims.claimPartition(b, TTL, SPREAD)).orElseThrow();
        assertEquals(stale.generation() + 1, taken.generation());
        assertEquals(a, taken.previous());
        assertEquals(100, taken.rows(), "the taker sees where the partition stands");

        // The former holder thaws and tries to commit its next batch: the transaction fails.
        try (LoadConnection tx = new LoadConnection(copies.open())) {
            assertThrows(PartitionLoader.ClaimLost.class, () -> store.advancePartition(tx, stale, 100, 0, 200, TTL));
            tx.rollback();
        }
        assertEquals(Set.of(), await(claims.renewPartitions(a, TTL, List.of(stale))));
        assertFalse(await(claims.completePartition(stale)));
        assertFalse(await(claims.failPartition(stale, "late")));
        assertEquals(100L, TestDatabase.count("SELECT rows FROM sluice.run_partition WHERE run_id = '" + id + "'"));

        try (LoadConnection tx = new LoadConnection(copies.open())) {
            store.advancePartition(tx, taken, 50, 0, 150, TTL);
            tx.commit();
        }
        assertTrue(await(claims.completePartition(taken)));
        assertEquals(List.of(new ClaimStore.PartitionState(0, "completed", null)), await(claims.partitionStates(id)));
    }

    @Test
    void aReleasedPartitionIsTakenAtOnceAndCountsAsTakenOver() {
        run("running", true, 1);
        ClaimStore.PartitionClaim first = await(claims.claimPartition(a, TTL, SPREAD)).orElseThrow();
        await(claims.releasePartition(first));
        ClaimStore.PartitionClaim next = await(claims.claimPartition(b, TTL, SPREAD)).orElseThrow();
        assertEquals(a, next.previous());
    }

    @Test
    void batchesOfARunThatEndedAreCancelled() throws Exception {
        UUID id = run("running", true, 1);
        TestDatabase.execute("UPDATE sluice.run SET status = 'failed' WHERE id = '" + id + "'");
        try (LoadConnection tx = new LoadConnection(copies.open())) {
            assertThrows(RunExecutor.Cancelled.class, () -> store.count(tx, id, 10, 0, 0));
            tx.rollback();
        }
    }
}
