package io.sluice.pipeline;

import java.time.Instant;
import java.time.InstantSource;

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

/**
 * The only way statuses change. A {@link Change} validates each step against the status's
 * transition table, moves the matching {@code *_since}, keeps the derived deployment statuses'
 * {@code _since} right, and on {@link Change#record()} persists the monitor event of the new state
 * in the caller's transaction.
 */
@ApplicationScoped
public class StatusChanges {
    @Inject
    InstantSource clock;

    public Change of(Pipeline pipeline) {
        return new Change(pipeline, clock.instant());
    }

    /** Sets the initial statuses of a new pipeline. */
    void initialize(Pipeline p) {
        Instant now = clock.instant();
        p.resourcesStatus = ResourcesStatus.Stopped;
        p.resourcesDesiredStatus = ResourcesDesiredStatus.Stopped;
        p.storageStatus = StorageStatus.Cleared;
        p.programStatus = ProgramStatus.Pending;
        p.resourcesStatusSince = now;
        p.resourcesDesiredStatusSince = now;
        p.programStatusSince = now;
        p.deploymentStatusSince = now;
        p.deploymentDesiredStatusSince = now;
    }

    public static final class Change {
        private final Pipeline p;
        private final Instant now;
        private final DeploymentStatus deploymentBefore;
        private final DeploymentDesiredStatus desiredBefore;

        private Change(Pipeline p, Instant now) {
            this.p = p;
            this.now = now;
            this.deploymentBefore = DeploymentStatus.of(p.resourcesStatus, p.runtimeStatus);
            this.desiredBefore = DeploymentDesiredStatus.of(p.resourcesDesiredStatus, p.runtimeDesiredStatus);
        }

        public Instant now() {
            return now;
        }

        public Change resources(ResourcesStatus next) {
            if (p.resourcesStatus != next) {
                require(p.resourcesStatus.canBecome(next), "resources", p.resourcesStatus, next);
                p.resourcesStatus = next;
                p.resourcesStatusSince = now;
            }
            return this;
        }

        public Change resourcesDesired(ResourcesDesiredStatus next) {
            if (p.resourcesDesiredStatus != next) {
                p.resourcesDesiredStatus = next;
                p.resourcesDesiredStatusSince = now;
            }
            return this;
        }

        /** {@code null} when the runtime ends (the resources leave Provisioned). */
        public Change runtime(RuntimeStatus next) {
            if (p.runtimeStatus != next) {
                boolean allowed = next == null || (p.runtimeStatus == null
                        ? next == RuntimeStatus.Initializing
                        : p.runtimeStatus.canBecome(next));
                require(allowed, "runtime", p.runtimeStatus, next);
                p.runtimeStatus = next;
                p.runtimeStatusSince = next == null ? null : now;
                if (next == null) {
                    p.runtimeStatusDetails = null;
                }
            }
            return this;
        }

        public Change runtimeDesired(RuntimeDesiredStatus next) {
            if (p.runtimeDesiredStatus != next) {
                p.runtimeDesiredStatus = next;
                p.runtimeDesiredStatusSince = next == null ? null : now;
            }
            return this;
        }

        public Change program(ProgramStatus next) {
            if (p.programStatus != next) {
                require(p.programStatus.canBecome(next), "program", p.programStatus, next);
                p.programStatus = next;
                p.programStatusSince = now;
                p.refreshVersion++;
            }
            return this;
        }

        public Change storage(StorageStatus next) {
            if (p.storageStatus != next) {
                require(p.storageStatus.canBecome(next), "storage", p.storageStatus, next);
                p.storageStatus = next;
                if (next == StorageStatus.Cleared) {
                    p.storageStatusDetails = null;
                }
            }
            return this;
        }

        public Change error(String deploymentErrorJson) {
            p.deploymentError = deploymentErrorJson;
            return this;
        }

        /** Persists the event of the new state (in the current transaction) and returns the pipeline. */
        public Uni<Pipeline> record() {
            if (DeploymentStatus.of(p.resourcesStatus, p.runtimeStatus) != deploymentBefore) {
                p.deploymentStatusSince = now;
            }
            if (DeploymentDesiredStatus.of(p.resourcesDesiredStatus, p.runtimeDesiredStatus) != desiredBefore) {
                p.deploymentDesiredStatusSince = now;
            }
            return Snapshots.event(p.id, Snapshots.of(p), now).persist().replaceWith(p);
        }

        private static void require(boolean allowed, String family, Object from, Object to) {
            if (!allowed) {
                throw new IllegalStateException("Illegal " + family + " status transition " + from + " -> " + to);
            }
        }
    }
}
