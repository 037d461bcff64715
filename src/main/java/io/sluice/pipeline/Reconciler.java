package io.sluice.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.BlockingCalls;
import io.sluice.coordination.Leadership;
import io.sluice.pipeline.program.Compilation;
import io.sluice.pipeline.program.ProgramCompiler;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.pipeline.spec.ValidationRule;
import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.ResourcesDesiredStatus;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.pipeline.status.StorageStatus;
import io.sluice.source.Connector;
import io.sluice.source.SourceStores;
import io.vertx.pgclient.PgException;

/**
 * Drives every pipeline's actual status toward its desired status, one step per pipeline per
 * pass, each step in its own transaction with the pipeline row locked. Also compiles saved
 * programs. Runs on the leader replica only, every
 * {@code sluice.pipeline.reconciler.interval} (1 s, the scheduler's finest step).
 */
@ApplicationScoped
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final TypeReference<Map<String, List<ValidationRule>>> RULES = new TypeReference<>() {
    };
    /** Pipelines with nothing to do: provisioned and settled, or stopped with nothing pending. */
    private static final String NEEDS_WORK = """
            SELECT id FROM sluice.pipeline
            WHERE program_status IN ('Pending', 'CompilingSql', 'SqlCompiled')
               OR storage_status = 'Clearing'
               OR deployment_resources_status <> deployment_resources_desired_status
               OR deployment_resources_status IN ('Provisioning', 'Stopping')
               OR (deployment_resources_status = 'Provisioned' AND (deployment_runtime_status IS NULL
                   OR deployment_runtime_status = 'Initializing'
                   OR (deployment_runtime_status = 'Running' AND deployment_runtime_desired_status = 'Paused')
                   OR (deployment_runtime_status = 'Paused' AND deployment_runtime_desired_status = 'Running')))""";

    /**
     * Observers drop what they keep for a pipeline whose storage was cleared (external tables:
     * checkpoint, watcher status). Fired after the clear committed.
     */
    @Inject
    jakarta.enterprise.event.Event<StorageCleared> storageCleared;
    @Inject
    Leadership leadership;
    @Inject
    StatusChanges changes;
    @Inject
    PipelineJson json;
    @Inject
    TargetTables tables;
    @Inject
    PipelineConfig config;
    @Inject
    InstantSource clock;
    @Inject
    SourceStores sources;
    @Inject
    BlockingCalls blocking;
    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Scheduled(every = "${sluice.pipeline.reconciler.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> onTimer() {
        return leadership.isLeader() ? reconcileAll() : Uni.createFrom().voidItem();
    }

    /** One pass over every pipeline that has something to do. */
    public Uni<Void> reconcileAll() {
        return pool.query(NEEDS_WORK).execute()
                .map(rows -> {
                    List<UUID> ids = new java.util.ArrayList<>();
                    rows.forEach(r -> ids.add(r.getUUID(0)));
                    return ids;
                })
                .chain(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(this::reconcile)
                        .collect().last())
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("Reconciler pass failed, retrying on the next one: %s", e.getMessage());
                    return null;
                })
                .replaceWithVoid();
    }

    private Uni<Void> reconcile(UUID id) {
        return compile(id).chain(() -> Panache.withTransaction(() -> lock(id).chain(p -> {
            if (p == null) {
                return Uni.createFrom().<StorageCleared>nullItem();
            }
            boolean clearing = p.storageStatus == StorageStatus.Clearing;
            return step(p).map(after -> clearing && after.storageStatus == StorageStatus.Cleared
                    ? new StorageCleared(after.id, after.name)
                    : null);
        })))
                // Announced once the clear committed, never from inside its transaction: an observer
                // must not see a clear that may still roll back, nor reach this transaction's session.
                .invoke(cleared -> {
                    if (cleared != null) {
                        storageCleared.fireAsync(cleared);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf(e, "Reconciling pipeline %s failed; retrying on the next pass", id);
                    return null;
                });
    }

    // ---- program compilation: Pending -> CompilingSql -> SqlCompiled -> Success | SqlError

    private record CompileWork(long programVersion, String code, String validation, String loadStrategy) {
    }

    private Uni<Void> compile(UUID id) {
        return Panache.withTransaction(() -> lock(id).chain(p -> {
            if (p == null) {
                return Uni.createFrom().<CompileWork>nullItem();
            }
            CompileWork work = new CompileWork(p.programVersion, p.programCode, p.validation, p.loadStrategy);
            return switch (p.programStatus) {
                case Pending -> changes.of(p).program(ProgramStatus.CompilingSql).record().replaceWith(work);
                case CompilingSql -> Uni.createFrom().item(work);
                case SqlCompiled -> changes.of(p).program(ProgramStatus.Success).record().replaceWith((CompileWork) null);
                default -> Uni.createFrom().<CompileWork>nullItem();
            };
        })).chain(work -> work == null ? Uni.createFrom().voidItem() : finishCompile(id, work));
    }

    private Uni<Void> finishCompile(UUID id, CompileWork work) {
        // Parsing is CPU work with a timeout of its own (first call also loads the parser): off the event loop.
        return blocking.run(() -> compileWithValidation(work)).chain(outcome -> recordCompilation(id, work, outcome));
    }

    private Compilation compileWithValidation(CompileWork work) {
        Compilation result = ProgramCompiler.compile(work.code());
        if (result instanceof Compilation.Success ok) {
            var problem = ValidationCheck.problem(ok.table(), json.read(work.validation(), RULES), work.loadStrategy());
            if (problem.isPresent()) {
                return new Compilation.Failure(problem.get());
            }
        }
        return result;
    }

    private Uni<Void> recordCompilation(UUID id, CompileWork work, Compilation outcome) {
        return Panache.withTransaction(() -> lock(id).chain(p -> {
            // An edit during compilation made the program Pending again: that version compiles next.
            if (p == null || p.programStatus != ProgramStatus.CompilingSql || p.programVersion != work.programVersion()
                    || !p.programCode.equals(work.code())) {
                return Uni.createFrom().voidItem();
            }
            if (outcome instanceof Compilation.Success ok) {
                p.programInfo = json.write(ok.table().programInfo());
                p.programError = PipelineService.NO_PROGRAM_ERROR;
                return changes.of(p).program(ProgramStatus.SqlCompiled).record()
                        .chain(() -> changes.of(p).program(ProgramStatus.Success).record()).replaceWithVoid();
            }
            Compilation.Failure failure = (Compilation.Failure) outcome;
            p.programError = json.write(failure.error().toProgramError());
            p.programInfo = null;
            LOG.infof("Pipeline %s: program did not compile: %s", p.name, failure.error().message());
            return changes.of(p).program(ProgramStatus.SqlError).record().replaceWithVoid();
        }));
    }

    // ---- resources, runtime and storage

    private Uni<Pipeline> step(Pipeline p) {
        if (p.storageStatus == StorageStatus.Clearing && p.resourcesStatus == ResourcesStatus.Stopped) {
            return clearStorage(p);
        }
        if (p.resourcesDesiredStatus == ResourcesDesiredStatus.Stopped) {
            return switch (p.resourcesStatus) {
                case Provisioning, Provisioned -> changes.of(p).resources(ResourcesStatus.Stopping).runtime(null).record();
                case Stopping -> finishStop(p);
                case Stopped -> Uni.createFrom().item(p);
            };
        }
        return switch (p.resourcesStatus) {
            case Stopped -> beginProvisioning(p);
            case Provisioning -> provision(p);
            case Provisioned -> settleRuntime(p);
            case Stopping -> finishStop(p);
        };
    }

    private Uni<Pipeline> beginProvisioning(Pipeline p) {
        if (p.programStatus.isInProgress()) {
            return Uni.createFrom().item(p);
        }
        if (p.programStatus.isFailure()) {
            return fail(p, "ProgramFailedCompilation", "The program did not compile (" + p.programStatus + ")",
                    json.tree(p.programError));
        }
        Instant now = clock.instant();
        p.deploymentId = UUID.randomUUID();
        p.provisioningDeadline = now.plus(provisioningTimeout(p));
        p.resourcesStatusDetails = json.write(Map.of("deployment_id", p.deploymentId.toString()));
        String table = io.sluice.pipeline.program.ProgramInfo.tableName(json.tree(p.programInfo));
        if (p.storageStatus == StorageStatus.Cleared && table != null) {
            // Recorded before anything is created, so /clear finds the table even if provisioning fails.
            p.storageStatusDetails = json.write(storageDetails(table, null));
        }
        StatusChanges.Change change = changes.of(p).resources(ResourcesStatus.Provisioning);
        if (p.storageStatus == StorageStatus.Cleared) {
            change.storage(StorageStatus.InUse);
        }
        LOG.infof("Pipeline %s: provisioning (deployment %s)", p.name, p.deploymentId);
        return change.record();
    }

    private Uni<Pipeline> provision(Pipeline p) {
        Duration remaining = Duration.between(clock.instant(), p.provisioningDeadline);
        if (remaining.isNegative() || remaining.isZero()) {
            return timedOut(p);
        }
        return blocking.run(() -> ProgramCompiler.compile(p.programCode)).chain(compiled -> compiled instanceof Compilation.Success ok
                ? provision(p, ok.table(), remaining)
                : fail(p, "ProgramFailedCompilation", "The program no longer compiles", json.tree(p.programError)));
    }

    private Uni<Pipeline> provision(Pipeline p, TableSpec table, Duration remaining) {
        return tables.ensure(table, p.id, remaining, p.rowProvenance)
                .chain(differences -> {
                    if (!differences.isEmpty()) {
                        return fail(p, "TargetTableMismatch", "Target table " + tables.qualified(table.name())
                                + " exists with a different shape; /clear the pipeline or change the program",
                                Map.of("table", tables.qualified(table.name()), "differences", differences));
                    }
                    return sourceProblem(p).chain(problem -> problem != null
                            ? fail(p, "ConnectorUnreachable", problem, Map.of("connector", p.connectorName))
                            : provisioned(p, table));
                })
                .onFailure(Reconciler::isTimeout).recoverWithUni(e -> timedOut(p))
                .onFailure().recoverWithUni(
                        e -> fail(p, "ProvisioningFailed", "Provisioning failed: " + e.getMessage(), null));
    }

    private Uni<Pipeline> provisioned(Pipeline p, TableSpec table) {
        p.provisioningDeadline = null;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deployment_id", p.deploymentId.toString());
        details.put("target_table", tables.qualified(table.name()));
        details.put("connector", p.connectorName);
        p.resourcesStatusDetails = json.write(details);
        LOG.infof("Pipeline %s: provisioned (table %s)", p.name, tables.qualified(table.name()));
        return changes.of(p).resources(ResourcesStatus.Provisioned).runtime(RuntimeStatus.Initializing).record();
    }

    private Uni<Pipeline> settleRuntime(Pipeline p) {
        if (p.runtimeStatus == null) {
            return changes.of(p).runtime(RuntimeStatus.Initializing).record();
        }
        RuntimeStatus wanted = RuntimeStatus.fulfilling(p.runtimeDesiredStatus);
        if (p.runtimeStatus == wanted || p.runtimeStatus == RuntimeStatus.Unavailable) {
            return Uni.createFrom().item(p);
        }
        return changes.of(p).runtime(wanted).record();
    }

    private Uni<Pipeline> finishStop(Pipeline p) {
        p.deploymentId = null;
        p.provisioningDeadline = null;
        p.resourcesStatusDetails = null;
        LOG.infof("Pipeline %s: stopped", p.name);
        return changes.of(p).resources(ResourcesStatus.Stopped).runtime(null).record();
    }

    private Uni<Pipeline> clearStorage(Pipeline p) {
        JsonNode details = json.tree(p.storageStatusDetails);
        String table = details != null && details.hasNonNull("table") ? details.get("table").asText() : null;
        // The drop commits on its own connection and is idempotent (a table already gone is left
        // alone); should what follows fail, the next pass clears again.
        Uni<Boolean> drop = table == null ? Uni.createFrom().item(false) : tables.drop(table, p.id);
        return drop.chain(dropped -> forgetSegments(p).chain(forgotten -> {
            LOG.infof("Pipeline %s: storage cleared%s, %d loaded file(s) forgotten", p.name, table == null ? ""
                    : dropped ? " (dropped " + tables.qualified(table) + ")"
                    : " (" + tables.qualified(table) + " was not created by this pipeline and is left in place)",
                    forgotten);
            p.storageClearedAt = clock.instant();
            return changes.of(p).storage(StorageStatus.Cleared).record();
        }));
    }

    /**
     * The files loaded into the dropped rows count as not loaded any more, so the next run reads
     * them again. In the step's transaction: the segments go exactly when the status says Cleared.
     */
    private static Uni<Integer> forgetSegments(Pipeline p) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("DELETE FROM sluice.segment WHERE pipeline_id = ?1")
                .setParameter(1, p.id)
                .executeUpdate());
    }

    /** Ends a deployment with an error: Stopping now, Stopped on the next pass, desired Stopped. */
    private Uni<Pipeline> fail(Pipeline p, String code, String message, Object details) {
        LOG.warnf("Pipeline %s: deployment failed (%s): %s", p.name, code, message);
        p.provisioningDeadline = null;
        return changes.of(p).error(json.write(new ApiError(message, code, details)))
                .resources(ResourcesStatus.Stopping).runtime(null)
                .resourcesDesired(ResourcesDesiredStatus.Stopped).runtimeDesired(null)
                .record();
    }

    private Uni<Pipeline> timedOut(Pipeline p) {
        long seconds = provisioningTimeout(p).toSeconds();
        return fail(p, "ProvisioningTimeout", "Provisioning did not finish within " + seconds + " s",
                Map.of("provisioning_timeout_secs", seconds));
    }

    /** Null when the pipeline's source can be read (S3: the bucket answers; local: the root is a directory), else why not. */
    private Uni<String> sourceProblem(Pipeline p) {
        if (p.connectorName == null) {
            return Uni.createFrom().nullItem();
        }
        SourceSpec source = json.read(p.source, SourceSpec.class);
        return Connector.findByName(p.connectorName).chain(c -> c == null
                ? Uni.createFrom().item("Connector '" + p.connectorName + "' does not exist")
                : sources.of(c).problem(source == null ? null : source.prefix())
                        .map(problem -> problem.map(why -> "Connector '" + c.name + "' cannot be reached: " + why).orElse(null)));
    }

    private Duration provisioningTimeout(Pipeline p) {
        JsonNode secs = json.tree(p.runtimeConfig).get("provisioning_timeout_secs");
        return secs == null || secs.isNull() ? config.reconciler().provisioningTimeout() : Duration.ofSeconds(secs.asLong());
    }

    /** Feldera's StorageStatusDetails (its checkpoints: a loader keeps none of Feldera's kind) plus the table Sluice loads. */
    public static Map<String, Object> storageDetails(String table, Long sizeBytes) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("checkpoints", java.util.List.of());
        details.put("table", table);
        details.put("size_bytes", sizeBytes);
        return details;
    }

    private static boolean isTimeout(Throwable e) {
        return e instanceof PgException pg && ("55P03".equals(pg.getSqlState()) || "57014".equals(pg.getSqlState()));
    }

    private static Uni<Pipeline> lock(UUID id) {
        return Pipeline.<Pipeline>findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
