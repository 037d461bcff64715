package io.sluice.run;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineJson;
import io.sluice.pipeline.StatusChanges;
import io.sluice.pipeline.program.Compilation;
import io.sluice.pipeline.program.ProgramCompiler;
import io.sluice.pipeline.spec.LoadStrategy;
import io.sluice.pipeline.spec.PollingSpec;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.pipeline.spec.ValidationRule;
import io.sluice.pipeline.status.StorageStatus;
import io.sluice.source.SourceFile;
import io.sluice.source.SourceStore;
import io.sluice.source.SourceStores;

/**
 * Reads a run's pipeline into a {@link RunJob}, and marks the pipeline's storage in use when a run
 * is the first to create its table. Called from run threads: Hibernate work goes through a fresh
 * Vert.x context.
 */
@ApplicationScoped
class RunJobs {
    private static final TypeReference<Map<String, List<ValidationRule>>> RULES = new TypeReference<>() {
    };
    private static final TypeReference<List<SourceFile>> FILES = new TypeReference<>() {
    };

    @Inject
    PipelineJson json;
    @Inject
    SourceStores stores;
    @Inject
    StatusChanges changes;
    @Inject
    ExternalSources external;

    private record Loaded(Run run, Pipeline pipeline, SourceSpec source, SourceStore store) {
    }

    RunJob load(UUID runId) {
        Loaded l = onContext(() -> Panache.withSession(() -> Run.<Run>findById(runId).chain(run -> Pipeline
                .<Pipeline>findById(run.pipelineId).chain(p -> external.of(p.id).chain(mirrored -> {
                    if (mirrored.isPresent()) {
                        return Uni.createFrom().item(new Loaded(run, p, mirrored.get().source(), mirrored.get().store()));
                    }
                    SourceSpec source = json.read(p.source, SourceSpec.class);
                    if (source == null) {
                        throw new IllegalStateException("pipeline " + p.name + " has no source");
                    }
                    return stores.forConnector(source.connector()).map(store -> new Loaded(run, p, source, store));
                })))));
        Pipeline p = l.pipeline();
        // Compiled here, on the run's own thread, not on an event loop.
        if (!(ProgramCompiler.compile(p.programCode) instanceof Compilation.Success compiled)) {
            throw new IllegalStateException("the program of pipeline " + p.name + " does not compile");
        }
        SourceSpec source = l.source();
        String prefix = l.run().sourcePrefix != null ? l.run().sourcePrefix : source.prefix() == null ? "" : source.prefix();
        return new RunJob(runId, p.id, p.name, compiled.table(),
                LoadStrategy.valueOf(l.run().loadStrategy.toUpperCase(java.util.Locale.ROOT)), l.run().partitions,
                source.format(), source.options() == null ? Map.of() : source.options(), json.read(p.validation, RULES),
                l.store(), prefix, source.pattern(), p.maxFailedRows, l.run().trigger, touchFile(p),
                l.run().sourceFiles == null ? null : json.read(l.run().sourceFiles, FILES), l.run().retryOf,
                p.rowProvenance);
    }

    private String touchFile(Pipeline p) {
        PollingSpec polling = json.read(p.polling, PollingSpec.class);
        return polling == null || polling.touchFile() == null ? null : polling.touchFile();
    }

    /** Storage becomes InUse with the table recorded, as provisioning would have done. */
    void markStorageInUse(RunJob job) {
        onContext(() -> Panache.withTransaction(() -> Pipeline.<Pipeline>findById(job.pipelineId(), LockModeType.PESSIMISTIC_WRITE)
                .chain(p -> {
                    if (p.storageStatus != StorageStatus.Cleared) {
                        return Uni.createFrom().item(p);
                    }
                    p.storageStatusDetails = json.write(io.sluice.pipeline.Reconciler.storageDetails(job.table().name(), null));
                    return changes.of(p).storage(StorageStatus.InUse).record();
                })));
    }

    private static <T> T onContext(java.util.function.Supplier<Uni<T>> work) {
        return io.sluice.api.BlockingCalls.awaitOnContext(work);
    }
}
