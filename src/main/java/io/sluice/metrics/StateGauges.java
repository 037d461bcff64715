package io.sluice.metrics;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.coordination.Coordination;
import io.sluice.coordination.Leadership;
import io.sluice.external.WatcherState;
import io.sluice.external.WatcherStatus;
import io.sluice.external.WatcherStore;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Gauges of state, read from where the state lives rather than counted by hooks: runs queued and
 * running (PostgreSQL, every replica's), the last successful sync of each external table
 * (its watcher status in ZooKeeper and its sync runs in PostgreSQL), and this replica's ZooKeeper
 * connection and leadership (memory). The stored values are refreshed every few seconds off the
 * request threads, so a scrape never waits for a database.
 */
@ApplicationScoped
public class StateGauges {
    private static final Logger LOG = Logger.getLogger(StateGauges.class);
    /**
     * Runs queued and running, and the monitor events ever inserted: PostgreSQL's own count of the
     * table's inserts (every replica's writes, without a hook; reset only with the statistics).
     */
    private static final String RUNS = """
            SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'running'),
                   (SELECT n_tup_ins FROM pg_stat_user_tables WHERE schemaname = 'sluice' AND relname = 'pipeline_monitor_event')
            FROM sluice.run WHERE status IN ('pending', 'running')""";
    /** Each external table with the end of its newest successful sync run (null: none yet). */
    private static final String SYNCS = """
            SELECT e.table_name_with_type, max(r.finished_at) FILTER (WHERE r.status IN ('completed', 'completed_with_errors'))
            FROM sluice.external_table e LEFT JOIN sluice.run r ON r.pipeline_id = e.pipeline_id AND r.trigger = 'sync'
            GROUP BY e.table_name_with_type""";

    @Inject
    MeterRegistry registry;
    @Inject
    Pool pool;
    @Inject
    WatcherStore watchers;
    @Inject
    Coordination coordination;
    @Inject
    Leadership leadership;

    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private MultiGauge lastSuccess;
    private MultiGauge lastFailed;

    /** Last successful sync (epoch seconds, 0: never) and whether the newest sync failed. */
    record TableSync(double lastSuccessSeconds, boolean failed) {
    }

    void register(@Observes StartupEvent event) {
        Gauge.builder("sluice.runs.queued", queued, AtomicLong::get)
                .description("Runs created and not yet started (all replicas)").register(registry);
        Gauge.builder("sluice.runs.active", running, AtomicLong::get)
                .description("Runs executing now (all replicas)").register(registry);
        FunctionCounter.builder("sluice.monitor.events.written", events, AtomicLong::get)
                .description("Pipeline monitor events written (all replicas)").register(registry);
        Gauge.builder("sluice.zookeeper.connected", coordination, c -> c.isConnected() ? 1 : 0)
                .description("1 while this replica's ZooKeeper client is connected").register(registry);
        Gauge.builder("sluice.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this replica is the leader (reconciler, monitor, schedules)").register(registry);
        lastSuccess = MultiGauge.builder("sluice.external.sync.last.success")
                .description("End of the newest successful sync of the external table, epoch seconds (0: never)")
                .baseUnit("seconds").register(registry);
        lastFailed = MultiGauge.builder("sluice.external.sync.failing")
                .description("1 while the newest sync of the external table failed").register(registry);
    }

    @Scheduled(every = "${sluice.metrics.state-refresh:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return pool.query(RUNS).execute()
                .invoke(rows -> rows.forEach(r -> {
                    queued.set(r.getLong(0));
                    running.set(r.getLong(1));
                    events.set(r.getLong(2) == null ? 0 : r.getLong(2));
                }))
                .chain(() -> pool.query(SYNCS).execute())
                .chain(rows -> {
                    List<Uni<Map.Entry<String, TableSync>>> tables = new ArrayList<>();
                    rows.forEach(r -> tables.add(sync(r.getString(0), r.getOffsetDateTime(1))));
                    return Multi.createFrom().iterable(tables).onItem().transformToUniAndConcatenate(u -> u)
                            .collect().asList();
                })
                .invoke(this::publish)
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("Refreshing the state gauges: %s", e.getMessage());
                    return null;
                });
    }

    /** The newer of the watcher status' successful end and the newest successful sync run. */
    private Uni<Map.Entry<String, TableSync>> sync(String table, OffsetDateTime lastRun) {
        double fromRuns = lastRun == null ? 0 : lastRun.toInstant().toEpochMilli() / 1000.0;
        return watchers.status(table)
                .map(s -> Map.entry(table, new TableSync(Math.max(fromRuns, completedSeconds(s)),
                        s.status() == WatcherState.FAILED)))
                .onFailure().recoverWithItem(Map.entry(table, new TableSync(fromRuns, false)));
    }

    private static double completedSeconds(WatcherStatus status) {
        return status.status() == WatcherState.COMPLETED ? status.endTimeMs() / 1000.0 : 0;
    }

    private void publish(List<Map.Entry<String, TableSync>> tables) {
        List<MultiGauge.Row<?>> success = new ArrayList<>();
        List<MultiGauge.Row<?>> failing = new ArrayList<>();
        for (Map.Entry<String, TableSync> e : tables) {
            Tags tags = Tags.of("table", e.getKey());
            success.add(MultiGauge.Row.of(tags, e.getValue().lastSuccessSeconds()));
            failing.add(MultiGauge.Row.of(tags, e.getValue().failed() ? 1 : 0));
        }
        // overwrite: tables deleted since the last refresh disappear from the scrape
        lastSuccess.register(success, true);
        lastFailed.register(failing, true);
    }
}
