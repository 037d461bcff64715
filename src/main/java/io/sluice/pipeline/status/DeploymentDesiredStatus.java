package io.sluice.pipeline.status;

/** The combined desired status: derived from the resources and runtime desired statuses. */
public enum DeploymentDesiredStatus {
    Stopped, Unavailable, Standby, Paused, Running, Suspended;

    public static DeploymentDesiredStatus of(ResourcesDesiredStatus resources, RuntimeDesiredStatus runtime) {
        if (resources == ResourcesDesiredStatus.Stopped) {
            return Stopped;
        }
        return runtime == null ? Running : valueOf(runtime.name());
    }
}
