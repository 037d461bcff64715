package io.sluice.live;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Long-polls ({@code ?wait=}) and Server-Sent Events of the status endpoints. */
@ConfigMapping(prefix = "sluice.live")
public interface LiveConfig {
    /** The longest {@code ?wait=} honoured; a longer one is cut to this (the answer is then a 304 at this time). */
    @WithDefault("PT60S")
    Duration maxWait();

    /**
     * How often a waiting request or an event stream reads its resource again even without a change
     * notification: the safety net for notifications lost while the LISTEN connection was down.
     */
    @WithDefault("PT5S")
    Duration recheckInterval();
}
