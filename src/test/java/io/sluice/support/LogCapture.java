package io.sluice.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records the application's log lines of level ERROR (or worse) while it is open, so a test can say
 * "a client's mistake leaves no ERROR in the log". Quarkus logs through JBoss Log Manager, which
 * hands every record to the handlers of the root java.util.logging logger.
 */
public final class LogCapture implements AutoCloseable {
    private final List<LogRecord> errors = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        Logger.getLogger("").addHandler(handler);
    }

    public static LogCapture errors() {
        return new LogCapture();
    }

    /** The ERROR lines so far, as "logger: message" (with the exception's class when there is one). */
    public List<String> lines() {
        return errors.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
                + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")")).toList();
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
