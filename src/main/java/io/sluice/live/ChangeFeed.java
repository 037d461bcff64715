package io.sluice.live;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * PostgreSQL's change notifications for live status: one connection LISTENing to the channels the
 * triggers of migrations V3 (pipelines) and V10 (runs, monitor events) notify, whichever replica
 * committed the change. Reopened every second while it is down; waiting requests then rely on
 * their {@link LiveConfig#recheckInterval() re-check}.
 */
@ApplicationScoped
public class ChangeFeed {
    /** Payload: the pipeline's name. */
    public static final String PIPELINE = "sluice_pipeline";
    /** Payload: the run's id. */
    public static final String RUN = "sluice_run";
    /** Payload: the pipeline's name. */
    public static final String EVENT = "sluice_event";
    private static final List<String> CHANNELS = List.of(PIPELINE, RUN, EVENT);
    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);
    private static final long RETRY_MS = 1000;

    @Inject
    Pool pool;
    @Inject
    Vertx vertx;

    private final BroadcastProcessor<Change> changes = BroadcastProcessor.create();
    private volatile boolean stopping;
    private volatile PgConnection connection;
    private boolean warned;

    record Change(String channel, String key) {
    }

    void onStart(@Observes StartupEvent event) {
        listen();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        PgConnection c = connection;
        if (c != null) {
            c.closeAndForget();
        }
    }

    /** A hot stream with an item for each committed change of {@code key} on {@code channel} from now on. */
    public Multi<String> changes(String channel, String key) {
        return changes.filter(c -> c.channel().equals(channel) && c.key().equals(key)).map(Change::key);
    }

    private void listen() {
        if (stopping) {
            return;
        }
        AtomicBoolean ended = new AtomicBoolean();
        pool.getConnection().subscribe().with(conn -> {
            PgConnection pg = PgConnection.cast(conn);
            pg.notificationHandler(n -> changes.onNext(new Change(n.getChannel(), n.getPayload())));
            pg.closeHandler(() -> ended(ended, pg, "the connection closed"));
            pg.query("LISTEN " + String.join("; LISTEN ", CHANNELS)).execute().subscribe().with(done -> {
                if (ended.get() || stopping) {
                    return;
                }
                connection = pg;
                if (warned) {
                    LOG.info("Listening to changes for live status again");
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
        if (pg != null && connection == pg) {
            connection = null;
        }
        if (stopping) {
            return;
        }
        if (!warned) {
            LOG.warnf("Not listening to changes for live status (%s); waiting requests re-check on a timer, retrying every second", why);
            warned = true;
        }
        vertx.setTimer(RETRY_MS, t -> listen());
    }
}
