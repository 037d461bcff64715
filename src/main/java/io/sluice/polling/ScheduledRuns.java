package io.sluice.polling;

import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;
import io.sluice.coordination.Leadership;
import io.sluice.pipeline.Pipeline;
import io.sluice.run.RunService;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Cron schedules (Quartz syntax, UTC): an active pipeline with a {@code schedule} gets a run at each
 * fire time; a fire time that finds a run still going is skipped. Leader replica only.
 */
@ApplicationScoped
public class ScheduledRuns {
    private static final Logger LOG = Logger.getLogger(ScheduledRuns.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final String ACTIVE_SCHEDULED = """
            SELECT id, name, schedule FROM sluice.pipeline
            WHERE schedule IS NOT NULL AND deployment_resources_status = 'Provisioned'
              AND deployment_runtime_status = 'Running'""";

    @Inject
    Pool pool;
    @Inject
    RunService runs;
    @Inject
    InstantSource clock;
    @Inject
    Leadership leadership;

    private final CronPlan<UUID> plan = new CronPlan<>();

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onTimer() {
        return plan.check(leadership.isLeader(), clock.instant().atZone(ZoneOffset.UTC),
                () -> pool.query(ACTIVE_SCHEDULED).execute().map(rows -> {
                    Map<UUID, String> active = new HashMap<>();
                    rows.forEach(r -> active.put(r.getUUID(0), r.getString(2)));
                    return active;
                }), this::trigger)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Schedule check failed: %s", e.getMessage());
                    return null;
                });
    }

    private Uni<Void> trigger(UUID pipelineId) {
        return runs.start(() -> Pipeline.<Pipeline>findById(pipelineId), "schedule", null)
                .invoke(r -> LOG.infof("Scheduled run %s of pipeline %s started", r.id, pipelineId))
                .replaceWithVoid()
                .onFailure(e -> e instanceof SluiceException s && s.status() == 409).recoverWithItem(e -> {
                    LOG.infof("Pipeline %s: scheduled run skipped, a run is still going", pipelineId);
                    return null;
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Pipeline %s: scheduled run could not start: %s", pipelineId, e.getMessage());
                    return null;
                });
    }

    public static ZonedDateTime fireAfter(String schedule, ZonedDateTime now) {
        return ExecutionTime.forCron(CRON.parse(schedule)).nextExecution(now).orElse(null);
    }
}
