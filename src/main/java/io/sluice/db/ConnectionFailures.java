package io.sluice.db;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a failure is PostgreSQL being unreachable for a while (restarting, failing over, the
 * network gone), as opposed to a statement it refused: worth retrying after a pause, and answered
 * 503 with Retry-After rather than 500.
 */
public final class ConnectionFailures {
    private ConnectionFailures() {
    }

    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof ConnectException || e instanceof SQLTransientConnectionException
                    || e instanceof SQLRecoverableException || e instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            String state = sqlState(e);
            // 25P03/57P05: the server ended an idle session (e.g. a replica that froze mid-transaction)
            if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                    || state.equals("57P03") || state.equals("53300") || state.equals("25P03") || state.equals("57P05"))) {
                return true;
            }
            if (e instanceof IOException && e.getClass().getName().startsWith("java.net")) {
                return true;
            }
            String message = e.getMessage();
            if (message != null && (message.contains("Connection refused") || message.contains("Connection reset")
                    || message.contains("connection was closed") || message.contains("Pool closed")
                    || message.contains("terminating connection")
                    || message.contains("An I/O error occurred while sending to the backend"))) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(Throwable e) {
        if (e instanceof SQLException sql) {
            return sql.getSQLState();
        }
        if (e instanceof io.vertx.pgclient.PgException pg) {
            return pg.getSqlState();
        }
        return null;
    }
}
