package io.sluice.pipeline.status;

/** What the user asked of the resources: {@code Provisioned} by /start, {@code Stopped} by /stop?force=true. */
public enum ResourcesDesiredStatus {
    Stopped, Provisioned
}
