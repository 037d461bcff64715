package io.sluice.pipeline.status;

import java.util.Objects;

/**
 * Every status and status detail of a pipeline at one moment: what a monitor event records and
 * what the monitor compares.
 */
public record StatusSnapshot(
        ResourcesStatus resources,
        String resourcesDetails,
        ResourcesDesiredStatus resourcesDesired,
        RuntimeStatus runtime,
        String runtimeDetails,
        RuntimeDesiredStatus runtimeDesired,
        String deploymentError,
        ProgramStatus program,
        StorageStatus storage,
        String storageDetails) {

    /** Whether any status (not counting details) differs; a new or cleared error counts as a status. */
    public boolean statusDiffers(StatusSnapshot other) {
        return resources != other.resources || resourcesDesired != other.resourcesDesired
                || runtime != other.runtime || runtimeDesired != other.runtimeDesired
                || program != other.program || storage != other.storage
                || !Objects.equals(deploymentError, other.deploymentError);
    }

    public boolean detailsDiffer(StatusSnapshot other) {
        return !Objects.equals(resourcesDetails, other.resourcesDetails)
                || !Objects.equals(runtimeDetails, other.runtimeDetails)
                || !Objects.equals(storageDetails, other.storageDetails);
    }
}
