package io.sluice.pipeline;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.status.DeploymentDesiredStatus;
import io.sluice.pipeline.status.DeploymentStatus;
import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.ResourcesDesiredStatus;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeDesiredStatus;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.pipeline.status.StorageStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code selector=status} reads, the ones dashboards and scripts poll: one prepared query on
 * the reactive pool mapped straight to the view (an ORM session made these reads several times
 * more expensive than the query itself), and for single pipelines the {@link PipelineStatusCache}
 * in front of it (BENCHMARKS.md, status endpoint).
 */
@ApplicationScoped
public class PipelineStatusReads {
    private static final String COLUMNS = """
            SELECT id, name, description, tags, created_at, version, platform_version, program_version,
                   program_status, program_status_since, deployment_error, refresh_version,
                   storage_status, storage_status_details, deployment_id, deployment_initial,
                   deployment_status_since, deployment_desired_status_since,
                   deployment_resources_status, deployment_resources_status_details,
                   deployment_resources_status_since, deployment_resources_desired_status,
                   deployment_resources_desired_status_since,
                   deployment_runtime_status, deployment_runtime_status_details,
                   deployment_runtime_status_since, deployment_runtime_desired_status,
                   deployment_runtime_desired_status_since
            FROM sluice.pipeline""";
    private static final String ONE = COLUMNS + " WHERE name = $1";
    private static final String ALL = COLUMNS + " ORDER BY name";

    @Inject
    Pool pool;
    @Inject
    PipelineJson json;
    @Inject
    PipelineStatusCache cache;

    /** The status fields of the pipeline named {@code name}, or 404 UnknownPipelineName. */
    public Uni<PipelineStatusView> get(String name) {
        PipelineStatusView cached = cache.lookup(name);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        long generation = cache.generation();
        return pool.preparedQuery(ONE).execute(Tuple.of(name)).map(rows -> {
            if (rows.size() == 0) {
                throw PipelineService.unknown(name);
            }
            PipelineStatusView view = view(rows.iterator().next());
            cache.store(name, view, generation);
            return view;
        });
    }

    /** The status fields of every pipeline, by name. */
    public Uni<List<PipelineStatusView>> list() {
        return pool.preparedQuery(ALL).execute().map(this::views);
    }

    private List<PipelineStatusView> views(RowSet<Row> rows) {
        List<PipelineStatusView> views = new ArrayList<>(rows.size());
        rows.forEach(r -> views.add(view(r)));
        return views;
    }

    private PipelineStatusView view(Row r) {
        PipelineStatusView v = new PipelineStatusView();
        v.id = r.getUUID("id");
        v.name = r.getString("name");
        v.description = r.getString("description");
        v.tags = json.read(r.getString("tags"), PipelineViews.TAGS);
        v.createdAt = instant(r, "created_at");
        v.version = r.getLong("version");
        v.platformVersion = r.getString("platform_version");
        v.programVersion = r.getLong("program_version");
        v.programStatus = ProgramStatus.valueOf(r.getString("program_status"));
        v.programStatusSince = instant(r, "program_status_since");
        v.deploymentError = json.tree(r.getString("deployment_error"));
        v.refreshVersion = r.getLong("refresh_version");
        v.storageStatus = StorageStatus.valueOf(r.getString("storage_status"));
        v.storageStatusDetails = json.tree(r.getString("storage_status_details"));
        v.deploymentId = r.getUUID("deployment_id");
        v.deploymentInitial = r.getString("deployment_initial");
        v.deploymentStatusSince = instant(r, "deployment_status_since");
        v.deploymentDesiredStatusSince = instant(r, "deployment_desired_status_since");
        v.resourcesStatus = ResourcesStatus.valueOf(r.getString("deployment_resources_status"));
        v.resourcesStatusDetails = json.tree(r.getString("deployment_resources_status_details"));
        v.resourcesStatusSince = instant(r, "deployment_resources_status_since");
        v.resourcesDesiredStatus = ResourcesDesiredStatus.valueOf(r.getString("deployment_resources_desired_status"));
        v.resourcesDesiredStatusSince = instant(r, "deployment_resources_desired_status_since");
        v.runtimeStatus = parse(r.getString("deployment_runtime_status"), RuntimeStatus::valueOf);
        v.runtimeStatusDetails = json.tree(r.getString("deployment_runtime_status_details"));
        v.runtimeStatusSince = instant(r, "deployment_runtime_status_since");
        v.runtimeDesiredStatus = parse(r.getString("deployment_runtime_desired_status"), RuntimeDesiredStatus::valueOf);
        v.runtimeDesiredStatusSince = instant(r, "deployment_runtime_desired_status_since");
        v.deploymentStatus = DeploymentStatus.of(v.resourcesStatus, v.runtimeStatus);
        v.deploymentDesiredStatus = DeploymentDesiredStatus.of(v.resourcesDesiredStatus, v.runtimeDesiredStatus);
        return v;
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }

    private static <E> E parse(String value, Function<String, E> valueOf) {
        return value == null ? null : valueOf.apply(value);
    }
}
