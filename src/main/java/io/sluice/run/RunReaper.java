package io.sluice.run;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.Leadership;

/**
 * Resumes runs that ended interrupted (failed because they could not go on, not because of their
 * data): the leader retries each, which continues every file after its last committed row. An
 * interrupted run is resumed once: by the first run of its pipeline after it. (A replica that dies
 * or stops mid-run interrupts nothing: its leases pass to another replica, see RunClaimer.)
 */
@ApplicationScoped
class RunReaper {
    private static final Logger LOG = Logger.getLogger(RunReaper.class);

    @Inject
    RunStore store;
    @Inject
    RunService runs;
    @Inject
    Leadership leadership;

    /** Interrupted runs (they gave up during a long PostgreSQL outage, or stopped before leases existed) are resumed. */
    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> reap() {
        if (!leadership.isLeader()) {
            return Uni.createFrom().voidItem();
        }
        return resumeInterrupted().onFailure().recoverWithItem(e -> {
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
