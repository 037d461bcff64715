package io.sluice.run;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.Leadership;
import io.sluice.pipeline.TargetTables;

/**
 * Keeps runs alive and takes them up when their process is gone: this replica's runs send a
 * heartbeat; the leader marks runs without one failed and interrupted, and resumes every interrupted
 * run (also those a graceful shutdown stopped) with a retry, which continues each file after its last
 * committed row. An interrupted run is resumed once: by the first run of its pipeline after it.
 */
@ApplicationScoped
class RunReaper {
    private static final Logger LOG = Logger.getLogger(RunReaper.class);

    @Inject
    RunStore store;
    @Inject
    RunExecutor executor;
    @Inject
    RunService runs;
    @Inject
    RunConfig config;
    @Inject
    Leadership leadership;
    @Inject
    TargetTables tables;

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        UUID[] active = executor.activeRuns();
        if (active.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return store.heartbeat(active).onFailure().recoverWithItem(e -> {
            LOG.warnf("Run heartbeat failed: %s", e.getMessage());
            return null;
        });
    }

    /**
     * Runs whose replica died (no heartbeat) are failed and interrupted; the staging table of a
     * replace run goes with it (its resumption starts over). Then interrupted runs are resumed.
     */
    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reap() {
        if (!leadership.isLeader()) {
            return Uni.createFrom().voidItem();
        }
        return store.failAbandoned((double) config.heartbeatTimeout().toSeconds(), executor.activeRuns())
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(r -> {
                    LOG.warnf("Run %s was abandoned by its process: marked failed, to be resumed", r[0]);
                    return "replace".equals(r[1]) ? tables.dropStaging((UUID) r[0]) : Uni.createFrom().voidItem();
                })
                .collect().last().replaceWithVoid()
                .chain(this::resumeInterrupted)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Taking up interrupted runs: %s", e.getMessage());
                    return null;
                });
    }

    private Uni<Void> resumeInterrupted() {
        return store.interruptedNotResumed()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(r -> runs.retry(r[1].toString(), r[0].toString())
                        .invoke(retry -> LOG.infof("Run %s was interrupted: resumed by run %s", r[0], retry.id))
                        .replaceWithVoid()
                        .onFailure().recoverWithItem(e -> {
                            LOG.infof("Run %s was interrupted; not resumed now: %s", r[0], e.getMessage());
                            return null;
                        }))
                .collect().last().replaceWithVoid();
    }
}
