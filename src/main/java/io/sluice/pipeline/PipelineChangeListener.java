package io.sluice.pipeline;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Holds one connection that LISTENs to channel {@code sluice_pipeline}, on which a trigger
 * (migration V3) announces every committed change of a pipeline row, and forwards each to the
 * {@link PipelineStatusCache}. While the connection is down the cache is distrusted, and it is
 * reopened every second until it is back.
 */
@ApplicationScoped
public class PipelineChangeListener {
    static final String CHANNEL = "sluice_pipeline";
    private static final Logger LOG = Logger.getLogger(PipelineChangeListener.class);
    private static final long RETRY_MS = 1000;

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;
    @Inject
    PipelineStatusCache cache;
    @Inject
    PipelineConfig config;

    private volatile boolean stopping;
    private volatile PgConnection connection;
    private boolean warned;

    void onStart(@Observes StartupEvent event) {
        if (config.statusCache().enabled()) {
            listen();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        cache.distrust();
        PgConnection c = connection;
        if (c != null) {
            c.closeAndForget();
        }
    }

    private void listen() {
        if (stopping) {
            return;
        }
        // One attempt ends once (a failed LISTEN also closes the connection): one retry per attempt.
        AtomicBoolean ended = new AtomicBoolean();
        pool.getConnection().subscribe().with(conn -> {
            PgConnection pg = PgConnection.cast(conn);
            pg.notificationHandler(n -> cache.invalidate(n.getPayload()));
            pg.closeHandler(() -> ended(ended, pg, "the connection closed"));
            pg.query("LISTEN " + CHANNEL).execute().subscribe().with(done -> {
                if (ended.get() || stopping) {
                    return;
                }
                connection = pg;
                cache.trust();
                if (warned) {
                    LOG.info("Listening to pipeline changes again; status reads are cached");
                    warned = false;
                }
            }, failure -> {
                ended(ended, pg, failure.getMessage());
                pg.closeAndForget();
            });
        }, failure -> ended(ended, null, failure.getMessage()));
    }

    private void ended(AtomicBoolean ended, PgConnection pg, String why) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        cache.distrust();
        if (pg != null && connection == pg) {
            connection = null;
        }
        if (stopping) {
            return;
        }
        if (!warned) {
            LOG.warnf("Not listening to pipeline changes (%s); status reads bypass the cache, retrying every second", why);
            warned = true;
        }
        vertx.setTimer(RETRY_MS, t -> listen());
    }

    /** Whether status reads may be served from the cache right now (for tests and diagnostics). */
    boolean listening() {
        return connection != null && cache.trusted();
    }
}
