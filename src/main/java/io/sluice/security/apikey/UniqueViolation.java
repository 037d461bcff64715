package io.sluice.security.apikey;

/** Recognises a PostgreSQL unique violation (SQLSTATE 23505) however it is wrapped. */
final class UniqueViolation {
    private UniqueViolation() {
    }

    static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException c
                    && "23505".equals(c.getSQLState())) {
                return true;
            }
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
