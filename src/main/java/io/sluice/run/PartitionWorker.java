package io.sluice.run;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.sluice.db.ConnectionFailures;
import io.sluice.pipeline.TargetTables;

/**
 * Loads one claimed partition to its end ({@link PartitionLoader}), whichever replica planned the
 * run, and says how it ended in the partition's row, where the run's coordinator sees it. A batch
 * that fails because PostgreSQL is unreachable is not a failure of the run: the partition goes on
 * from its checkpoint once the database answers again ({@link OutageBackoff}), and fails
 * (resumably) only after {@code sluice.run.outage-limit}. BLOCKING: runs on run threads.
 */
@ApplicationScoped
class PartitionWorker {
    private static final Logger LOG = Logger.getLogger(PartitionWorker.class);
    /** How the error of a partition that gave up during an outage begins: its run is resumed once PostgreSQL is back. */
    static final String OUTAGE = "PostgreSQL was unreachable";

    @Inject
    RunJobs jobs;
    @Inject
    RunStore store;
    @Inject
    ClaimStore claims;
    @Inject
    PartitionLoader loader;
    @Inject
    RunConfig config;
    @Inject
    RunScratch scratch;
    @Inject
    RunService runs;
    @Inject
    Replica replica;
    @Inject
    TargetTables tables;

    /**
     * Loads the partition until it is done, failed, taken over by another replica ({@code lost}) or
     * this replica stops ({@code stopping}: the lease is released for another replica to go on at once).
     */
    void work(ClaimStore.PartitionClaim claim, BooleanSupplier lost, BooleanSupplier stopping) {
        RunScratch.Local local = scratch.acquire(claim.runId());
        PartitionLoader.Shared shared = new PartitionLoader.Shared(local.dir(), local.downloads(),
                () -> lost.getAsBoolean() || stopping.getAsBoolean());
        OutageBackoff outage = new OutageBackoff(config.outageLimit());
        long rowsBefore = -1;
        try {
            while (true) {
                try {
                    RunStore.Partition part = await(store.partition(claim.runId(), claim.index()));
                    if (part.rows() > rowsBefore && rowsBefore >= 0) {
                        outage.reset(); // it got on since the last failure: a new outage starts from the first step
                    }
                    if (rowsBefore < 0) {
                        announceTakeover(claim, part);
                    }
                    rowsBefore = part.rows();
                    loadToTheEnd(claim, part, shared);
                    return;
                } catch (PartitionLoader.ClaimLost e) {
                    LOG.warnf("Run %s: partition %d was taken over by another replica; this one stopped loading it",
                            claim.runId(), claim.index());
                    return;
                } catch (RunExecutor.Cancelled e) {
                    if (stopping.getAsBoolean() && !lost.getAsBoolean()) {
                        RunExecutor.awaitQuietly(claims.releasePartition(claim));
                        LOG.infof("Run %s: partition %d handed over at shutdown, after its last committed batch",
                                claim.runId(), claim.index());
                    }
                    if (lost.getAsBoolean()) {
                        LOG.warnf("Run %s: partition %d stopped after its last committed batch: its lease was not renewed in time",
                                claim.runId(), claim.index());
                    } else {
                        LOG.infof("Run %s: partition %d stopped: the run ended or was cancelled meanwhile", claim.runId(),
                                claim.index());
                    }
                    return; // the run ended (another partition failed), or the lease was lost
                } catch (Exception e) {
                    if (lost.getAsBoolean()) {
                        LOG.warnf("Run %s: partition %d stopped: its lease was not renewed in time (%s)", claim.runId(),
                                claim.index(), RunExecutor.message(e));
                        return; // whoever claims it next goes on from its checkpoint
                    }
                    if (stopping.getAsBoolean() && !(e instanceof RunExecutor.RunFailure)) {
                        RunExecutor.awaitQuietly(claims.releasePartition(claim));
                        LOG.infof("Run %s: partition %d handed over at shutdown (%s)", claim.runId(), claim.index(), RunExecutor.message(e));
                        return;
                    }
                    if (ConnectionFailures.isConnectionFailure(e)) {
                        Duration wait = outage.next();
                        if (wait != null) {
                            LOG.warnf("Run %s: partition %d cannot reach PostgreSQL (%s); going on from its checkpoint in %d ms",
                                    claim.runId(), claim.index(), RunExecutor.message(e), wait.toMillis());
                            if (!outage.sleep(wait, () -> stopping.getAsBoolean() || lost.getAsBoolean())) {
                                if (lost.getAsBoolean()) {
                                    LOG.warnf("Run %s: partition %d stopped during the outage: its lease was not renewed in time",
                                            claim.runId(), claim.index());
                                }
                                return; // stopping or lost: the lease expires, and whoever claims it goes on
                            }
                            continue;
                        }
                        fail(claim, OUTAGE + " for longer than sluice.run.outage-limit ("
                                + config.outageLimit().toSeconds() + " s): " + RunExecutor.message(e));
                        return;
                    }
                    if (!(e instanceof RunExecutor.RunFailure)) {
                        LOG.errorf(e, "Run %s: partition %d failed", claim.runId(), claim.index());
                    }
                    fail(claim, RunExecutor.message(e));
                    return;
                }
            }
        } finally {
            scratch.release(claim.runId());
        }
    }

    private void loadToTheEnd(ClaimStore.PartitionClaim claim, RunStore.Partition part, PartitionLoader.Shared shared)
            throws Exception {
        long started = System.nanoTime();
        LOG.debugf("Run %s: partition %d loading from row %d", claim.runId(), claim.index(), part.rows());
        RunJob job = jobs.load(claim.runId());
        String target = tables.qualified(job.replace() ? TargetTables.stagingName(claim.runId()) : job.table().name());
        PartitionLoader.Target into = loader.target(job, target, job.upsert() ? await(store.repeatsSince(claim.runId())) : null);
        loader.load(job, part, into, shared, claim);
        if (!await(claims.completePartition(claim))) {
            throw new PartitionLoader.ClaimLost(claim);
        }
        LOG.debugf("Run %s: partition %d completed in %d ms", claim.runId(), claim.index(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private void announceTakeover(ClaimStore.PartitionClaim claim, RunStore.Partition part) {
        if (claim.previous() == null || claim.previous().equals(replica.id())) {
            return;
        }
        String message = "Partition " + claim.index() + " taken over by " + replica.id() + " at row " + part.rows()
                + " (its lease held by " + claim.previous() + " expired or was released)";
        LOG.infof("Run %s: %s", claim.runId(), message);
        RunExecutor.awaitQuietly(runs.log(claim.runId(), "load", message));
    }

    private void fail(ClaimStore.PartitionClaim claim, String why) {
        LOG.warnf("Run %s: partition %d failed: %s", claim.runId(), claim.index(), why);
        RunExecutor.awaitQuietly(claims.failPartition(claim, why));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().indefinitely();
    }

}
