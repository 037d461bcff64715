package io.sluice.external;

import java.time.InstantSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.Leadership;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * A sync whose replica died (killed, or cut off from ZooKeeper) leaves the watcher status RUNNING
 * with nobody to end it, and pollers waiting for COMPLETED or FAILED forever. The leader looks for
 * RUNNING statuses whose table's sync claim is gone (the claim lives as long as the syncing
 * replica's session) and marks them FAILED. Leader replica only.
 */
@ApplicationScoped
public class AbandonedSyncs {
    private static final Logger LOG = Logger.getLogger(AbandonedSyncs.class);
    static final String WHY = "The replica running this sync stopped before it ended; the next sync loads the files it left";

    @Inject
    Pool pool;
    @Inject
    WatcherStore watcher;
    @Inject
    ExternalTableSync syncs;
    @Inject
    InstantSource clock;
    @Inject
    Leadership leadership;
    @Inject
    ExternalTablesConfig config; // sluice.external.abandoned-sync-check drives the timer below

    @Scheduled(every = "${sluice.external.abandoned-sync-check:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onTimer() {
        if (!leadership.isLeader()) {
            return Uni.createFrom().voidItem();
        }
        return check().onFailure().recoverWithItem(e -> {
            LOG.warnf("Check for abandoned external table syncs failed: %s", e.getMessage());
            return null;
        });
    }

    /** One pass over every table. */
    Uni<Void> check() {
        return pool.query("SELECT table_name_with_type FROM sluice.external_table").execute()
                .chain(rows -> Multi.createFrom().iterable(rows).map(r -> r.getString(0))
                        .filter(table -> !syncs.isSyncing(table))
                        .onItem().transformToUniAndConcatenate(table -> watcher.failIfAbandoned(table, clock.millis(), WHY)
                                .invoke(marked -> {
                                    if (marked) {
                                        LOG.warnf("Table %s: its sync was abandoned by a replica that stopped; status set to FAILED", table);
                                    }
                                }))
                        .collect().last())
                .replaceWithVoid();
    }
}
