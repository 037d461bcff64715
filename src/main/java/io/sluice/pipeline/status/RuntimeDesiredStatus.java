package io.sluice.pipeline.status;

/** What the user asked of a provisioned pipeline's runtime: /resume (Running) or /pause (Paused). */
public enum RuntimeDesiredStatus {
    Unavailable, Coordination, Standby, Paused, Running, Suspended
}
