package io.sluice.metrics;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.api.BlockingCalls;
import io.sluice.external.Checkpoint;
import io.sluice.external.ExternalTable;
import io.sluice.external.ExternalTableSources;
import io.sluice.external.SyncTaskConfig;
import io.sluice.external.WatcherStore;
import io.sluice.external.iceberg.IcebergCatalogs;

/**
 * {@code sluice_external_sync_lag_seconds{table}}: for each Iceberg external table, how long the
 * oldest snapshot of the source table that is not synced yet has been waiting (now minus its commit
 * time); 0 while the checkpoint is the current snapshot. Each refresh loads the table's metadata
 * from its catalog (on the worker pool of {@link BlockingCalls}: catalog calls block) and compares
 * the snapshots with the checkpoint in ZooKeeper; the age itself is computed at scrape time, so it
 * grows between refreshes and a scrape never waits for a catalog.
 * <p>
 * Why the oldest un-synced snapshot and not the newest: on a lake that commits every minute, the
 * newest snapshot is never older than a minute, so its age would stay small however far behind the
 * syncs fall. The oldest one's age is how long committed rows have been missing from PostgreSQL.
 * <p>
 * Raw S3 tables have no snapshots: they have no lag gauge (their freshness is
 * {@code sluice_external_sync_last_success_seconds}); listing their prefix on every refresh would cost a
 * bucket listing per table every few seconds.
 */
@ApplicationScoped
public class SyncLagGauges {
    private static final Logger LOG = Logger.getLogger(SyncLagGauges.class);

    @Inject
    MeterRegistry registry;
    @Inject
    BlockingCalls blocking;
    @Inject
    ExternalTableSources sources;
    @Inject
    WatcherStore watchers;
    @Inject
    InstantSource clock;

    /**
     * Commit time (epoch ms) of each table's oldest un-synced snapshot, {@link #SYNCED} when none:
     * kept when a catalog cannot be read, so the lag goes on growing while nothing can sync.
     */
    private final Map<String, Long> unsyncedSince = new ConcurrentHashMap<>();
    private static final long SYNCED = -1;
    private MultiGauge lag;

    /** One Iceberg external table, read from PostgreSQL in a session. */
    private record IcebergTable(String name, SyncTaskConfig config, Map<String, String> catalog) {
    }

    void register(@Observes StartupEvent event) {
        lag = MultiGauge.builder("sluice.external.sync.lag")
                .description("Age of the oldest snapshot of the Iceberg table not synced yet (0: the checkpoint is the current snapshot)")
                .baseUnit("seconds").register(registry);
    }

    @Scheduled(every = "${sluice.metrics.state-refresh:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return Panache.withSession(() -> ExternalTable.<ExternalTable>list("kind", ExternalTable.ICEBERG)
                .chain(tables -> Multi.createFrom().iterable(tables)
                        .onItem().transformToUniAndConcatenate(t -> {
                            SyncTaskConfig config = sources.config(t);
                            return sources.catalogProperties(config).map(props -> new IcebergTable(t.tableNameWithType, config, props))
                                    .onFailure().recoverWithItem(e -> {
                                        LOG.debugf("Sync lag of %s: %s", t.tableNameWithType, e.getMessage());
                                        return new IcebergTable(t.tableNameWithType, config, null);
                                    });
                        })
                        .collect().asList()))
                .chain(tables -> Multi.createFrom().iterable(tables)
                        .onItem().transformToUniAndConcatenate(this::read)
                        .collect().asList()
                        .invoke(() -> publish(tables)))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("Refreshing the sync lag gauges: %s", e.getMessage());
                    return null;
                });
    }

    /** Reads the table's snapshots against its checkpoint; on failure leaves the last value. */
    private Uni<Void> read(IcebergTable table) {
        if (table.catalog() == null) {
            return Uni.createFrom().voidItem();
        }
        return watchers.checkpoint(table.name())
                .chain(checkpoint -> blocking.run(() -> IcebergCatalogs.withTable(table.catalog(), table.config().icebergTable(),
                        t -> unsyncedSince(t, checkpoint.checkpointType() == Checkpoint.Type.SNAPSHOT_ID ? checkpoint.asLong() : null))))
                .invoke(since -> unsyncedSince.put(table.name(), since == null ? SYNCED : since))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("Sync lag of %s: %s", table.name(), e.getMessage());
                    return null;
                });
    }

    /**
     * Commit time (epoch ms) of the oldest snapshot in the current snapshot's history that the
     * checkpoint does not cover, null when none does (no snapshot, or the checkpoint is current).
     * Without a checkpoint the whole retained history waits. A checkpoint that is no ancestor
     * (rolled back, expired) covers what was committed up to its own commit time, when still known.
     */
    static Long unsyncedSince(Table table, Long checkpoint) {
        Snapshot current = table.currentSnapshot();
        if (current == null || checkpoint != null && checkpoint == current.snapshotId()) {
            return null;
        }
        Snapshot synced = checkpoint == null ? null : table.snapshot(checkpoint);
        Long oldest = null;
        for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
            if (checkpoint != null && s.snapshotId() == checkpoint
                    || synced != null && s.timestampMillis() <= synced.timestampMillis()) {
                break;
            }
            oldest = s.timestampMillis();
        }
        return oldest;
    }

    private void publish(List<IcebergTable> tables) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        unsyncedSince.keySet().retainAll(tables.stream().map(IcebergTable::name).toList());
        for (IcebergTable t : tables) {
            Long since = unsyncedSince.get(t.name());
            if (since != null) {
                rows.add(MultiGauge.Row.of(Tags.of("table", t.name()), since, this::ageSeconds));
            }
        }
        // overwrite: tables deleted since the last refresh disappear from the scrape
        lag.register(rows, true);
    }

    private double ageSeconds(long since) {
        return since == SYNCED ? 0 : Math.max(0, clock.millis() - since) / 1000.0;
    }
}
