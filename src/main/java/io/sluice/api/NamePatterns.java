package io.sluice.api;

/**
 * The shapes of the names and ids that paths and bodies carry, as regular expressions for Bean
 * Validation's {@code @Pattern} (which also puts them into the OpenAPI document). One place, so the
 * documented pattern, the check and the error message agree. Written in the syntax Java and
 * ECMAScript (OpenAPI's regular expressions) share.
 */
public final class NamePatterns {
    private NamePatterns() {
    }

    /** A name a new pipeline may take (the body's {@code name}, {@code PUT /v0/pipelines/{name}}). */
    public static final String NEW_PIPELINE = "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$";
    public static final String NEW_PIPELINE_MESSAGE = "must be 1-100 letters, digits, '_' or '-', starting with a letter or digit";

    /**
     * Any pipeline that can exist: those created under /v0 and those of external tables, whose
     * names ({@code orders_OFFLINE}) may start with '_'. Paths that read or act on a pipeline take
     * this one, so no existing pipeline becomes unreachable. A pipeline's id (a UUID) fits it too.
     */
    public static final String PIPELINE = "^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$";
    public static final String PIPELINE_MESSAGE = "must be a pipeline name: 1-100 letters, digits, '_' or '-'";

    public static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    public static final String UUID_MESSAGE = "must be a UUID";

    /** A monitor event's id, or {@code latest}. */
    public static final String EVENT_ID = "^(latest|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$";
    public static final String EVENT_ID_MESSAGE = "must be an event's id (a UUID) or 'latest'";

    /** A connector's name: as a pipeline's, plus spaces and dots ("Production S3"). */
    public static final String CONNECTOR = "^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$";
    public static final String CONNECTOR_MESSAGE = "must be 1-100 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit";

    /** An API key's name: free text without '/', control characters or surrounding spaces, at most 128 characters. */
    public static final String API_KEY = "^[^/\\x00-\\x1F\\x7F\\s](?:[^/\\x00-\\x1F\\x7F]{0,126}[^/\\x00-\\x1F\\x7F\\s])?$";
    public static final String API_KEY_MESSAGE = "must be 1-128 characters without '/', control characters or leading/trailing spaces";

    /**
     * An external table's name, with or without its type ({@code orders}, {@code orders_OFFLINE}):
     * a PostgreSQL identifier short enough for the "_OFFLINE" pipeline name.
     */
    public static final String TABLE = "^[A-Za-z_][A-Za-z0-9_]{0,54}$|^[A-Za-z_][A-Za-z0-9_]{0,54}_OFFLINE$";
    public static final String TABLE_MESSAGE = "must be 1-55 letters, digits or '_', starting with a letter or '_'"
            + " (it names the PostgreSQL table), optionally followed by _OFFLINE";
}
