package io.sluice.pipeline.status;

/**
 * The combined deployment status: derived from resources and runtime status, never stored (only the
 * time it last changed is).
 */
public enum DeploymentStatus {
    Stopped, Provisioning, Unavailable, Coordination, Standby, AwaitingApproval, Initializing, Bootstrapping,
    Replaying, Paused, Running, Suspended, Stopping;

    public static DeploymentStatus of(ResourcesStatus resources, RuntimeStatus runtime) {
        return switch (resources) {
            case Stopped -> Stopped;
            case Provisioning -> Provisioning;
            case Stopping -> Stopping;
            case Provisioned -> runtime == null ? Initializing : valueOf(runtime.name());
        };
    }
}
