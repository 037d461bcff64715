package io.sluice.pipeline;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;
import io.sluice.pipeline.spec.LoadStrategy;
import io.sluice.pipeline.spec.PipelinePatch;
import io.sluice.pipeline.spec.PipelineRequest;
import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.ResourcesDesiredStatus;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeDesiredStatus;
import io.sluice.pipeline.status.StorageStatus;
import io.sluice.source.Connector;

/**
 * Pipeline declarations and the user's lifecycle requests. Requests only set desired statuses (and
 * storage Clearing); the {@link Reconciler} does the work.
 */
@ApplicationScoped
public class PipelineService {
    static final String NO_PROGRAM_ERROR = "{\"sql_compilation\":null,\"rust_compilation\":null,\"system_error\":null}";

    @Inject
    PipelineJson json;
    @Inject
    StatusChanges changes;
    @Inject
    InstantSource clock;
    @Inject
    PipelineViews views;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "0.1.0")
    String platformVersion;

    public record Saved(Pipeline pipeline, boolean created) {
    }

    @WithSession
    public Uni<List<Pipeline>> list() {
        return Pipeline.listAll(Sort.by("name"));
    }

    @WithSession
    public Uni<Pipeline> get(String name) {
        return require(name);
    }

    /** The pipeline named {@code name}, or 404 UnknownPipelineName. */
    public static Uni<Pipeline> require(String name) {
        return found(name, Pipeline.<Pipeline>find("name", name).firstResult());
    }

    /** Like {@link #require} but locks the row for the rest of the transaction. */
    static Uni<Pipeline> requireForUpdate(String name) {
        return found(name, Pipeline.<Pipeline>find("name", name)
                .withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE).firstResult());
    }

    private static Uni<Pipeline> found(String name, Uni<Pipeline> lookup) {
        return lookup.map(p -> {
            if (p == null) {
                throw unknown(name);
            }
            return p;
        });
    }

    /** 404 UnknownPipelineName. */
    static SluiceException unknown(String name) {
        return SluiceException.notFound("UnknownPipelineName", "Unknown pipeline name '" + name + "'",
                Map.of("pipeline_name", name));
    }

    @WithTransaction
    public Uni<Saved> put(String name, PipelineRequest request) {
        PipelineSpecValidator.name(name);
        if (request.name() != null && !request.name().equals(name)) {
            throw SluiceException.invalidField("name", "The body's name '" + request.name()
                    + "' differs from the path's '" + name + "'; rename with PATCH");
        }
        return Pipeline.<Pipeline>find("name", name).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .firstResult().chain(existing -> existing == null
                ? insert(name, request).map(p -> new Saved(p, true))
                : update(existing, request).map(p -> new Saved(p, false)));
    }

    @WithTransaction
    public Uni<Pipeline> create(PipelineRequest request) {
        String name = PipelineSpecValidator.name(request.name());
        return Pipeline.count("name", name).chain(n -> {
            if (n > 0) {
                throw SluiceException.conflict("DuplicateName", "A pipeline named '" + name + "' exists",
                        Map.of("pipeline_name", name));
            }
            return insert(name, request);
        });
    }

    @WithTransaction
    public Uni<Pipeline> patch(String name, PipelinePatch patch) {
        return requireForUpdate(name).chain(p -> {
            PipelineRequest request = patch.over(requestOf(p));
            String newName = PipelineSpecValidator.name(request.name());
            Uni<Void> nameFree = newName.equals(p.name) ? Uni.createFrom().voidItem()
                    : Pipeline.count("name", newName).map(n -> {
                        if (n > 0) {
                            throw SluiceException.conflict("DuplicateName", "A pipeline named '" + newName + "' exists",
                                    Map.of("pipeline_name", newName));
                        }
                        return null;
                    });
            return nameFree.chain(() -> update(p, request)).invoke(updated -> updated.name = newName);
        });
    }

    @WithTransaction
    public Uni<Void> delete(String name) {
        return requireForUpdate(name).chain(p -> {
            if (p.resourcesStatus != ResourcesStatus.Stopped || p.resourcesDesiredStatus != ResourcesDesiredStatus.Stopped
                    || p.storageStatus != StorageStatus.Cleared) {
                throw SluiceException.badRequest("CannotDeleteNonClearedPipeline",
                        "Only a Stopped pipeline whose storage is Cleared can be deleted (it is "
                                + p.resourcesStatus + ", storage " + p.storageStatus + "): stop it with /stop?force=true, then /clear",
                        statusDetails(p));
            }
            return p.delete();
        });
    }

    /**
     * Feldera's {@code /dismiss_error}: clears {@code deployment_error}. Refused (400) only while an
     * error is present and the pipeline is not fully Stopped, as Feldera does.
     */
    @WithTransaction
    public Uni<Pipeline> dismissError(String name) {
        return requireForUpdate(name).chain(p -> {
            if (p.deploymentError == null) {
                return Uni.createFrom().item(p);
            }
            if (p.resourcesStatus != ResourcesStatus.Stopped || p.resourcesDesiredStatus != ResourcesDesiredStatus.Stopped) {
                throw illegal(p, "a deployment error can only be dismissed once the pipeline is fully Stopped");
            }
            return changes.of(p).error(null).record();
        });
    }

    /** {@code dismissError=false} (Feldera's {@code /start?dismiss_error=false}) refuses to start over a deployment error. */
    @WithTransaction
    public Uni<Pipeline> start(String name, String initial, boolean dismissError) {
        RuntimeDesiredStatus runtime = switch (initial == null ? "running" : initial) {
            case "running" -> RuntimeDesiredStatus.Running;
            case "paused" -> RuntimeDesiredStatus.Paused;
            default -> throw SluiceException.invalidField("initial", "initial must be 'running' or 'paused'");
        };
        return requireForUpdate(name).chain(p -> {
            if (p.resourcesDesiredStatus == ResourcesDesiredStatus.Provisioned) {
                return Uni.createFrom().item(p);
            }
            if (p.resourcesStatus != ResourcesStatus.Stopped) {
                throw illegal(p, "cannot start a pipeline that is " + p.resourcesStatus + "; wait until it is Stopped");
            }
            if (!dismissError && p.deploymentError != null) {
                throw illegal(p, "it has a deployment error; dismiss it with /dismiss_error or start with dismiss_error=true");
            }
            if (p.programStatus.isFailure()) {
                throw SluiceException.badRequest("ProgramFailedCompilation",
                        "The program did not compile (" + p.programStatus + "); fix program_code first",
                        json.tree(p.programError));
            }
            // Feldera's RuntimeDesiredStatus names
            p.deploymentInitial = runtime.name();
            return changes.of(p).error(null)
                    .resourcesDesired(ResourcesDesiredStatus.Provisioned)
                    .runtimeDesired(runtime)
                    .record();
        });
    }

    @WithTransaction
    public Uni<Pipeline> setRuntimeDesired(String name, RuntimeDesiredStatus desired) {
        return requireForUpdate(name).chain(p -> {
            if (p.resourcesDesiredStatus != ResourcesDesiredStatus.Provisioned) {
                throw illegal(p, "the pipeline is not started; use /start" + (desired == RuntimeDesiredStatus.Paused
                        ? "?initial=paused" : ""));
            }
            return changes.of(p).runtimeDesired(desired).record();
        });
    }

    @WithTransaction
    public Uni<Pipeline> stop(String name, boolean force) {
        if (!force) {
            throw SluiceException.badRequest("UnsupportedStop",
                    "Only /stop?force=true is supported: it stops the pipeline and keeps its storage",
                    Map.of("parameter", "force"));
        }
        return requireForUpdate(name).chain(p -> changes.of(p)
                .resourcesDesired(ResourcesDesiredStatus.Stopped)
                .runtimeDesired(null)
                .record());
    }

    @WithTransaction
    public Uni<Pipeline> clear(String name) {
        return requireForUpdate(name).chain(p -> {
            if (p.resourcesStatus != ResourcesStatus.Stopped || p.resourcesDesiredStatus != ResourcesDesiredStatus.Stopped) {
                throw illegal(p, "storage can only be cleared while the pipeline is Stopped");
            }
            if (p.storageStatus != StorageStatus.InUse) {
                return Uni.createFrom().item(p);
            }
            return hasActiveRun(p).chain(active -> {
                if (active) {
                    // its rows and segments would come back after the clear
                    throw illegal(p, "a run is loading into its storage; clear it once the run has ended");
                }
                return changes.of(p).storage(StorageStatus.Clearing).record();
            });
        });
    }

    /**
     * Whether a run of the pipeline is pending or running. Called with the pipeline row locked:
     * creating a run locks it too ({@code RunService.create}), so no run can start unseen meanwhile.
     */
    private static Uni<Boolean> hasActiveRun(Pipeline p) {
        return io.quarkus.hibernate.reactive.panache.Panache.getSession().chain(session -> session
                .createNativeQuery("SELECT count(*) FROM sluice.run WHERE pipeline_id = ?1 AND status IN ('pending', 'running')",
                        Long.class)
                .setParameter(1, p.id).getSingleResult())
                .map(count -> count > 0);
    }

    private Uni<Pipeline> insert(String name, PipelineRequest request) {
        PipelineSpecValidator.validate(request);
        PipelineSpecValidator.runtimeConfigTypes(json.tree(PipelineJson.RUNTIME_CONFIG_DEFAULTS), request.runtimeConfig(),
                "runtime_config");
        return connectorExists(request).chain(() -> {
            Pipeline p = new Pipeline();
            p.id = UUID.randomUUID();
            p.name = name;
            p.createdAt = clock.instant();
            p.version = 1;
            p.refreshVersion = 1;
            p.programVersion = 1;
            p.platformVersion = platformVersion;
            changes.initialize(p);
            declare(p, request);
            p.programError = NO_PROGRAM_ERROR;
            return p.<Pipeline>persist().chain(saved -> changes.of(saved).record());
        });
    }

    private Uni<Pipeline> update(Pipeline p, PipelineRequest request) {
        if (p.resourcesStatus != ResourcesStatus.Stopped || p.resourcesDesiredStatus != ResourcesDesiredStatus.Stopped) {
            throw SluiceException.badRequest("PipelineNotStopped",
                    "A pipeline can only be edited while Stopped (it is " + p.resourcesStatus
                            + "); stop it with /stop?force=true first",
                    statusDetails(p));
        }
        PipelineSpecValidator.validate(request);
        PipelineSpecValidator.runtimeConfigTypes(json.tree(PipelineJson.RUNTIME_CONFIG_DEFAULTS), request.runtimeConfig(),
                "runtime_config");
        return connectorExists(request).chain(() -> {
            PipelineRequest before = requestOf(p);
            declare(p, request);
            PipelineRequest after = requestOf(p);
            if (before.equals(after) && Objects.equals(p.name, request.name() == null ? p.name : request.name())) {
                return Uni.createFrom().item(p);
            }
            p.version++;
            p.refreshVersion++;
            boolean programChanged = !Objects.equals(before.programCode(), after.programCode())
                    || !Objects.equals(before.programConfig(), after.programConfig())
                    || !Objects.equals(before.udfRust(), after.udfRust())
                    || !Objects.equals(before.udfToml(), after.udfToml());
            if (programChanged) {
                p.programVersion++;
            }
            if (!programChanged && Objects.equals(before.validation(), after.validation())
                    && before.loadStrategy() == after.loadStrategy()) {
                return Uni.createFrom().item(p);
            }
            // The compiler checks the validation rules and the load strategy against the table too.
            p.programError = NO_PROGRAM_ERROR;
            p.programInfo = null;
            return changes.of(p).program(ProgramStatus.Pending).record();
        });
    }

    /** Copies the declaration onto the row, filling defaults. */
    private void declare(Pipeline p, PipelineRequest r) {
        p.description = r.description() == null ? "" : r.description();
        p.tags = json.write(r.tags() == null ? List.of() : r.tags());
        p.runtimeConfig = json.write(json.overlay(PipelineJson.RUNTIME_CONFIG_DEFAULTS, r.runtimeConfig()));
        p.programConfig = json.write(json.overlay(PipelineJson.PROGRAM_CONFIG_DEFAULTS, r.programConfig()));
        p.programCode = r.programCode() == null ? "" : r.programCode();
        p.udfRust = r.udfRust() == null ? "" : r.udfRust();
        p.udfToml = r.udfToml() == null ? "" : r.udfToml();
        p.source = json.write(r.source());
        p.connectorName = r.source() == null ? null : r.source().connector();
        p.loadStrategy = (r.loadStrategy() == null ? LoadStrategy.APPEND : r.loadStrategy()).toString();
        p.partitions = r.partitions() == null ? 1 : r.partitions();
        p.schedule = r.schedule();
        p.maxFailedRows = r.maxFailedRows();
        p.rowProvenance = r.rowProvenance() == null || r.rowProvenance();
        p.validation = r.validation() == null || r.validation().isEmpty() ? null : json.write(r.validation());
        p.polling = json.write(r.polling());
    }

    /** The declaration as it is stored, in the request's shape (for PATCH and change detection). */
    PipelineRequest requestOf(Pipeline p) {
        PipelineView v = views.full(p);
        return new PipelineRequest(p.name, p.description, v.tags, (ObjectNode) v.runtimeConfig, (ObjectNode) v.programConfig,
                p.programCode, p.udfRust, p.udfToml, v.source, v.loadStrategy, p.partitions, p.schedule,
                p.maxFailedRows, p.rowProvenance, v.validation, v.polling);
    }

    private static Uni<Void> connectorExists(PipelineRequest request) {
        if (request.source() == null) {
            return Uni.createFrom().voidItem();
        }
        String name = request.source().connector();
        return Connector.count("name", name).map(n -> {
            if (n == 0) {
                throw SluiceException.badRequest("UnknownConnector", "source.connector '" + name
                        + "' is not a connector; create it under /api/v1/connectors", Map.of("connector", name));
            }
            return null;
        });
    }

    private static SluiceException illegal(Pipeline p, String why) {
        return SluiceException.badRequest("IllegalPipelineAction", "Pipeline '" + p.name + "': " + why,
                statusDetails(p));
    }

    private static Map<String, Object> statusDetails(Pipeline p) {
        return Map.of("resources_status", p.resourcesStatus.name(),
                "resources_desired_status", p.resourcesDesiredStatus.name(),
                "storage_status", p.storageStatus.name());
    }
}
