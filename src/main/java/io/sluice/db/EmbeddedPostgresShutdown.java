package io.sluice.db;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;

/**
 * Stops the embedded PostgreSQL with the application, last of all shutdown work. Dev-mode restarts
 * fire this too, so the restarted application can start the server again on the same data.
 */
@Singleton
class EmbeddedPostgresShutdown {
    void onStop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        EmbeddedPostgres.stopRunning();
    }
}
