package io.sluice.pipeline;

import java.time.Instant;
import java.util.UUID;

import io.sluice.pipeline.status.StatusSnapshot;

/** Converts between pipelines, monitor events and {@link StatusSnapshot}s. */
final class Snapshots {
    private Snapshots() {
    }

    static StatusSnapshot of(Pipeline p) {
        return new StatusSnapshot(p.resourcesStatus, p.resourcesStatusDetails, p.resourcesDesiredStatus,
                p.runtimeStatus, p.runtimeStatusDetails, p.runtimeDesiredStatus, p.deploymentError,
                p.programStatus, p.storageStatus, p.storageStatusDetails);
    }

    static StatusSnapshot of(MonitorEvent e) {
        return new StatusSnapshot(e.resourcesStatus, e.resourcesStatusDetails, e.resourcesDesiredStatus,
                e.runtimeStatus, e.runtimeStatusDetails, e.runtimeDesiredStatus, e.deploymentError,
                e.programStatus, e.storageStatus, e.storageStatusDetails);
    }

    static MonitorEvent event(UUID pipelineId, StatusSnapshot s, Instant at) {
        MonitorEvent e = new MonitorEvent();
        e.id = UUID.randomUUID();
        e.pipelineId = pipelineId;
        e.recordedAt = at;
        e.resourcesStatus = s.resources();
        e.resourcesStatusDetails = s.resourcesDetails();
        e.resourcesDesiredStatus = s.resourcesDesired();
        e.runtimeStatus = s.runtime();
        e.runtimeStatusDetails = s.runtimeDetails();
        e.runtimeDesiredStatus = s.runtimeDesired();
        e.deploymentError = s.deploymentError();
        e.programStatus = s.program();
        e.storageStatus = s.storage();
        e.storageStatusDetails = s.storageDetails();
        return e;
    }
}
