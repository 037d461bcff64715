package io.sluice.external;

import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.Leadership;
import io.sluice.polling.CronPlan;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The cron schedule each external table's sync task is registered on (seed A: "registered on a cron
 * schedule"): at each fire time an active table (its pipeline Provisioned and Running) is synced,
 * unless a sync of it is still going. Leader replica only.
 */
@ApplicationScoped
public class SyncSchedules {
    private static final Logger LOG = Logger.getLogger(SyncSchedules.class);
    private static final String ACTIVE_SCHEDULED = """
            SELECT e.table_name_with_type, e.schedule FROM sluice.external_table e
            JOIN sluice.pipeline p ON p.id = e.pipeline_id
            WHERE e.schedule IS NOT NULL AND p.deployment_resources_status = 'Provisioned'
              AND p.deployment_runtime_status = 'Running'""";

    @Inject
    Pool pool;
    @Inject
    ExternalTableSync sync;
    @Inject
    InstantSource clock;
    @Inject
    Leadership leadership;

    private final CronPlan<String> plan = new CronPlan<>();

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onTimer() {
        return plan.check(leadership.isLeader(), clock.instant().atZone(ZoneOffset.UTC),
                () -> pool.query(ACTIVE_SCHEDULED).execute().map(rows -> {
                    Map<String, String> active = new HashMap<>();
                    rows.forEach(r -> active.put(r.getString(0), r.getString(1)));
                    return active;
                }), this::trigger)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("External table schedule check failed: %s", e.getMessage());
                    return null;
                });
    }

    private Uni<Void> trigger(String table) {
        return sync.trigger(table).invoke(task -> LOG.infof("Table %s: scheduled %s", table, task)).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Table %s: scheduled sync could not start: %s", table, e.getMessage());
                    return null;
                });
    }
}
