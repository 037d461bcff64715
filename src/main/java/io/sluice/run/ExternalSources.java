package io.sluice.run;

import java.util.Optional;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.source.SourceStore;

/**
 * Where the runs of a pipeline that mirrors an external table read their files (an Iceberg table's
 * data files through its FileIO, a raw S3 prefix through its connector), instead of the pipeline's
 * own source. Implemented by {@code io.sluice.external}.
 */
public interface ExternalSources {

    /** The source of the pipeline's runs when it mirrors an external table; empty otherwise. Needs a Hibernate session. */
    Uni<Optional<External>> of(UUID pipelineId);

    /** @param source format and options of the files; @param store reads the files the sync planned */
    record External(SourceSpec source, SourceStore store) {
    }
}
