package io.sluice.pipeline;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.Leadership;
import io.sluice.pipeline.status.EventRule;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.pipeline.status.StatusSnapshot;
import io.sluice.pipeline.status.StorageStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Observes every pipeline every few seconds: refreshes the status details (target table presence,
 * row estimate, size), marks a provisioned pipeline Unavailable while its table is gone, and
 * persists a monitor event by the seed's three rules ({@link EventRule}). Leader replica only.
 */
@ApplicationScoped
public class Monitor {
    private static final Logger LOG = Logger.getLogger(Monitor.class);
    private static final String LAST_EVENTS = """
            SELECT DISTINCT ON (pipeline_id) * FROM sluice.pipeline_monitor_event
            ORDER BY pipeline_id, recorded_at DESC""";
    private static final String TABLES = """
            SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')""";
    private static final String TRIM = """
            DELETE FROM sluice.pipeline_monitor_event e USING (
                SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY pipeline_id ORDER BY recorded_at DESC) AS n
                                FROM sluice.pipeline_monitor_event) ranked
                WHERE n > $1) old
            WHERE e.id = old.id""";
    private static final int TRIM_EVERY_PASSES = 12;

    @Inject
    Leadership leadership;
    @Inject
    StatusChanges changes;
    @Inject
    PipelineJson json;
    @Inject
    PipelineConfig config;
    @Inject
    TargetTables tables;
    @Inject
    InstantSource clock;
    @Inject
    Pool pool;

    private int passes;

    @Scheduled(every = "${sluice.pipeline.monitor.interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onTimer() {
        if (!leadership.isLeader()) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> pass = observeAll().replaceWithVoid();
        if (++passes % TRIM_EVERY_PASSES == 0) {
            pass = pass.chain(this::trim).replaceWithVoid();
        }
        return pass.onFailure().recoverWithItem(e -> {
            LOG.warnf("Monitor pass failed: %s", e.getMessage());
            return null;
        });
    }

    private record Table(long rowsEstimate, long sizeBytes) {
    }

    private record LastEvent(StatusSnapshot snapshot, Instant at) {
    }

    /** Observes every pipeline once; returns how many events were written. */
    public Uni<Integer> observeAll() {
        Uni<Map<String, Table>> observedTables = pool.preparedQuery(TABLES).execute(Tuple.of(tables.schema()))
                .map(rows -> {
                    Map<String, Table> found = new HashMap<>();
                    rows.forEach(r -> found.put(r.getString(0), new Table(r.getLong(1), r.getLong(2))));
                    return found;
                });
        Uni<Map<UUID, LastEvent>> lastEvents = pool.query(LAST_EVENTS).execute().map(rows -> {
            Map<UUID, LastEvent> found = new HashMap<>();
            rows.forEach(r -> found.put(r.getUUID("pipeline_id"), new LastEvent(new StatusSnapshot(
                    enumOf(io.sluice.pipeline.status.ResourcesStatus.class, r.getString("deployment_resources_status")),
                    r.getString("deployment_resources_status_details"),
                    enumOf(io.sluice.pipeline.status.ResourcesDesiredStatus.class, r.getString("deployment_resources_desired_status")),
                    enumOf(RuntimeStatus.class, r.getString("deployment_runtime_status")),
                    r.getString("deployment_runtime_status_details"),
                    enumOf(io.sluice.pipeline.status.RuntimeDesiredStatus.class, r.getString("deployment_runtime_desired_status")),
                    r.getString("deployment_error"),
                    enumOf(io.sluice.pipeline.status.ProgramStatus.class, r.getString("program_status")),
                    enumOf(StorageStatus.class, r.getString("storage_status")),
                    r.getString("storage_status_details")),
                    r.getOffsetDateTime("recorded_at").toInstant())));
            return found;
        });
        return Uni.combine().all().unis(observedTables, lastEvents).asTuple()
                .chain(t -> Panache.withTransaction(() -> Pipeline.<Pipeline>listAll()
                        .chain(pipelines -> Multi.createFrom().iterable(pipelines)
                                .onItem().transformToUniAndConcatenate(p -> observe(p, t.getItem1(), t.getItem2()))
                                .collect().asList()
                                .map(written -> (int) written.stream().filter(Boolean::booleanValue).count()))));
    }

    private Uni<Boolean> observe(Pipeline p, Map<String, Table> observed, Map<UUID, LastEvent> last) {
        Instant now = clock.instant();
        String table = tableOf(p);
        Table t = table == null ? null : observed.get(table);
        if (p.storageStatus == StorageStatus.InUse && table != null) {
            p.storageStatusDetails = json.write(Reconciler.storageDetails(table, t == null ? null : t.sizeBytes()));
        }
        if (p.resourcesStatus == ResourcesStatus.Provisioned && p.runtimeStatus != null
                && p.runtimeStatus != RuntimeStatus.Initializing) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("target_table", table == null ? null : tables.qualified(table));
            details.put("rows_estimate", t == null || t.rowsEstimate() < 0 ? null : t.rowsEstimate());
            if (t == null) {
                details.put("reason", "target table is missing");
            }
            p.runtimeStatusDetails = json.write(details);
            RuntimeStatus wanted = t == null ? RuntimeStatus.Unavailable : RuntimeStatus.fulfilling(p.runtimeDesiredStatus);
            boolean lost = t == null && p.runtimeStatus != RuntimeStatus.Unavailable;
            boolean back = t != null && p.runtimeStatus == RuntimeStatus.Unavailable;
            if (lost || back) {
                LOG.infof("Pipeline %s: runtime %s -> %s", p.name, p.runtimeStatus, wanted);
                return changes.of(p).runtime(wanted).record().replaceWith(true);
            }
        }
        LastEvent previous = last.get(p.id);
        StatusSnapshot current = Snapshots.of(p);
        if (!EventRule.shouldRecord(previous == null ? null : previous.snapshot(), previous == null ? null : previous.at(),
                current, now)) {
            return Uni.createFrom().item(false);
        }
        return Snapshots.event(p.id, current, now).persist().replaceWith(true);
    }

    /** Deletes events beyond the retained number per pipeline. */
    public Uni<Integer> trim() {
        return pool.preparedQuery(TRIM).execute(Tuple.of(config.monitor().retainedEvents())).map(r -> r.rowCount());
    }

    private String tableOf(Pipeline p) {
        JsonNode details = json.tree(p.storageStatusDetails);
        return details != null && details.hasNonNull("table") ? details.get("table").asText() : null;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value) {
        return value == null ? null : Enum.valueOf(type, value);
    }

}
