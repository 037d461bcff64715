package io.sluice.polling;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;
import io.sluice.coordination.Leadership;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineJson;
import io.sluice.pipeline.spec.PollingSpec;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.run.RunFinished;
import io.sluice.run.RunService;
import io.sluice.run.RunStatus;
import io.sluice.source.SourceFile;
import io.sluice.source.SourceStore;
import io.sluice.source.SourceStores;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Touch-file polling (seed C): for each active pipeline with polling enabled, every
 * {@code intervalMinutes} (or on demand), a run starts over the prefix when {@code prefix + touchFile}
 * exists; after it succeeds the touch file (and, with {@code deleteAfterProcess}, the processed files)
 * are deleted. A pipeline never has two runs at once (enforced by the database).
 */
@ApplicationScoped
public class PollingService {
    private static final Logger LOG = Logger.getLogger(PollingService.class);
    private static final String ACTIVE_POLLED = """
            SELECT p.id, p.name, p.connector_name, c.type, p.polling, p.source,
                   last.created_at, last.status
            FROM sluice.pipeline p
            JOIN sluice.connector c ON c.name = p.connector_name
            LEFT JOIN LATERAL (SELECT r.created_at, r.status FROM sluice.run r WHERE r.pipeline_id = p.id
                               ORDER BY r.created_at DESC LIMIT 1) last ON true
            WHERE p.deployment_resources_status = 'Provisioned' AND p.deployment_runtime_status = 'Running'
              AND p.polling IS NOT NULL AND (p.polling::jsonb ->> 'enabled')::boolean
            ORDER BY p.name""";

    @Inject
    Pool pool;
    @Inject
    PipelineJson json;
    @Inject
    SourceStores stores;
    @Inject
    RunService runs;
    @Inject
    InstantSource clock;
    @Inject
    Leadership leadership;
    @Inject
    PollingConfig config; // sluice.polling.tick drives the timer below

    private final Map<UUID, Instant> lastPolled = new ConcurrentHashMap<>();

    private record Polled(PollingViews.PolledPipeline view, SourceSpec source) {
    }

    public Uni<PollingViews.Status> status() {
        return active().map(all -> new PollingViews.Status(all.stream().map(Polled::view).toList(), all.size()));
    }

    /** One polling cycle over every active polled pipeline, due or not (POST /api/v1/pipelines/poll). */
    public Uni<PollingViews.Cycle> pollNow() {
        return cycle(true);
    }

    @Scheduled(every = "${sluice.polling.tick:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onTimer() {
        if (!leadership.isLeader()) {
            return Uni.createFrom().voidItem();
        }
        return cycle(false).replaceWithVoid().onFailure().recoverWithItem(e -> {
            LOG.warnf("Polling cycle failed: %s", e.getMessage());
            return null;
        });
    }

    private Uni<PollingViews.Cycle> cycle(boolean everyPipeline) {
        Instant now = clock.instant();
        return active().chain(all -> {
            List<Polled> due = all.stream().filter(p -> everyPipeline || isDue(p, now)).toList();
            due.forEach(p -> lastPolled.put(p.view().id(), now));
            return Multi.createFrom().iterable(due).onItem().transformToUniAndConcatenate(this::poll)
                    .collect().asList()
                    .map(triggered -> {
                        int count = (int) triggered.stream().filter(Boolean::booleanValue).count();
                        return new PollingViews.Cycle("Polling cycle complete: checked " + due.size()
                                + " pipelines, triggered " + count + " runs", due.size(), count);
                    });
        });
    }

    private boolean isDue(Polled p, Instant now) {
        Instant last = lastPolled.get(p.view().id());
        int minutes = p.view().polling().intervalMinutes() == null ? 15 : p.view().polling().intervalMinutes();
        return last == null || !last.plus(Duration.ofMinutes(minutes)).isAfter(now);
    }

    /** Starts a run when the touch file is there; true if one started. */
    private Uni<Boolean> poll(Polled p) {
        PollingSpec polling = p.view().polling();
        String touch = SourceStore.join(polling.prefix(), polling.touchFile());
        return io.quarkus.hibernate.reactive.panache.Panache.withSession(() -> stores.forConnector(p.view().connector()))
                .chain(store -> store.stat(touch))
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    LOG.infof("Pipeline %s: touch file %s found, starting a run", p.view().name(), touch);
                    return runs.start(() -> Pipeline.<Pipeline>findById(p.view().id()), "poll", polling.prefix())
                            .replaceWith(true);
                })
                .onFailure(e -> e instanceof SluiceException s && s.status() == 409).recoverWithItem(false)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Pipeline %s: polling failed: %s", p.view().name(), e.getMessage());
                    return false;
                });
    }

    /**
     * After a successful polled run, or a successful retry of a failed one: the processed files (if
     * asked) and then the touch file go.
     */
    void afterRun(@Observes RunFinished run) {
        if (!"poll".equals(run.origin()) || run.status() == RunStatus.FAILED) {
            return;
        }
        PollingSpec polling = pollingOf(run.pipelineId());
        if (polling == null) {
            return;
        }
        if (Boolean.TRUE.equals(polling.deleteAfterProcess())) {
            for (SourceFile f : run.files()) {
                run.store().delete(f.path()).await().indefinitely();
            }
        }
        run.store().delete(SourceStore.join(polling.prefix() != null ? polling.prefix() : run.prefix(), polling.touchFile()))
                .await().indefinitely();
        LOG.infof("Run %s: removed the touch file%s", run.runId(),
                Boolean.TRUE.equals(polling.deleteAfterProcess()) ? " and " + run.files().size() + " processed file(s)" : "");
    }

    private PollingSpec pollingOf(UUID pipelineId) {
        var rows = pool.preparedQuery("SELECT polling FROM sluice.pipeline WHERE id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(pipelineId)).await().indefinitely();
        return rows.size() == 0 ? null : json.read(rows.iterator().next().getString(0), PollingSpec.class);
    }

    private Uni<List<Polled>> active() {
        return pool.query(ACTIVE_POLLED).execute().map(rows -> {
            List<Polled> all = new ArrayList<>();
            rows.forEach(r -> all.add(polled(r)));
            return all;
        });
    }

    private Polled polled(Row r) {
        PollingSpec spec = json.read(r.getString(4), PollingSpec.class);
        SourceSpec source = json.read(r.getString(5), SourceSpec.class);
        String prefix = spec.prefix() != null ? spec.prefix() : source == null || source.prefix() == null ? "" : source.prefix();
        PollingSpec effective = new PollingSpec(spec.enabled(), spec.intervalMinutes() == null ? 15 : spec.intervalMinutes(),
                spec.touchFile(), prefix, Boolean.TRUE.equals(spec.deleteAfterProcess()));
        var lastAt = r.getOffsetDateTime(6);
        String lastStatus = r.getString(7);
        return new Polled(new PollingViews.PolledPipeline(r.getUUID(0), r.getString(1), r.getString(2), r.getString(3),
                effective, lastAt == null ? null : lastAt.toInstant(), lastStatus == null ? null : RunStatus.fromWire(lastStatus)),
                source);
    }
}
