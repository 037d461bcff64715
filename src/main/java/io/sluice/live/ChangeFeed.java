package io.sluice.live;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

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
 * PostgreSQL's change notifications: one connection per replica LISTENing to the channels the
 * triggers of migrations V3 (pipelines) and V10 (runs, monitor events) notify, whichever replica
 * committed the change, for live status and for the pipeline status cache. Reopened every second
 * while it is down; waiting requests then rely on their {@link LiveConfig#recheckInterval() re-check},
 * and the status cache is distrusted ({@link #onListening}).
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
    private final List<Consumer<Boolean>> listeningListeners = new CopyOnWriteArrayList<>();
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

    /** A hot stream with the key of each committed change on {@code channel} from now on. */
    public Multi<String> changes(String channel) {
        return changes.filter(c -> c.channel().equals(channel)).map(Change::key);
    }

    /**
     * Tells {@code listener} {@code true} whenever the feed listens (again; at once if it does now),
     * {@code false} whenever it stops: changes committed meanwhile are missed.
     */
    public void onListening(Consumer<Boolean> listener) {
        listeningListeners.add(listener);
        if (connection != null) {
            listener.accept(true);
        }
    }

    /** Whether the feed's connection is listening now. */
    public boolean listening() {
        return connection != null;
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
                listeningListeners.forEach(l -> l.accept(true));
                if (warned) {
                    LOG.info("Listening to changes again (live status, status cache)");
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
        listeningListeners.forEach(l -> l.accept(false));
        if (stopping) {
            return;
        }
        if (!warned) {
            LOG.warnf("Not listening to changes (%s): waiting requests re-check on a timer, status reads bypass the cache;"
                    + " retrying every second", why);
            warned = true;
        }
        vertx.setTimer(RETRY_MS, t -> listen());
    }
}
