package io.sluice.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.StartupEvent;
import io.sluice.live.ChangeFeed;

/**
 * Forwards every committed change of a pipeline row (channel {@code sluice_pipeline}, announced by
 * the trigger of migration V3, received through the replica's one {@link ChangeFeed} connection) to
 * the {@link PipelineStatusCache}. While the feed is not listening the cache is distrusted.
 */
@ApplicationScoped
public class PipelineChangeListener {
    static final String CHANNEL = ChangeFeed.PIPELINE;

    @Inject
    ChangeFeed feed;
    @Inject
    PipelineStatusCache cache;
    @Inject
    PipelineConfig config;

    void onStart(@Observes StartupEvent event) {
        if (config.statusCache().enabled()) {
            // Changes first, trust after: nothing committed once the feed listens is missed.
            feed.changes(CHANNEL).subscribe().with(cache::invalidate);
            feed.onListening(listening -> {
                if (listening) {
                    cache.trust();
                } else {
                    cache.distrust();
                }
            });
        }
    }

    /** Whether status reads may be served from the cache right now (for tests and diagnostics). */
    boolean listening() {
        return feed.listening() && cache.trusted();
    }
}
