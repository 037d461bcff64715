package io.sluice.db;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Ties the embedded PostgreSQL to the application: stopped as the last shutdown step. Dev-mode restarts
 * fire this too, so the restarted application can start the server again on the same data.
 */
@Singleton
class EmbeddedPostgresLifecycle {
    void onStart(@Observes StartupEvent event) {
        EmbeddedPostgres.applicationStarted();
    }

    void onStop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        EmbeddedPostgres.applicationStopped();
    }
}
