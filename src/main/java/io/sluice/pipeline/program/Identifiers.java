package io.sluice.pipeline.program;

import java.util.Locale;
import java.util.regex.Pattern;

/** PostgreSQL identifier semantics, restricted to names that are safe everywhere Sluice uses them. */
final class Identifiers {

    /** PostgreSQL's NAMEDATALEN - 1: longer names would be silently truncated. */
    static final int MAX_LENGTH = 63;

    // ASCII only, so characters and bytes count the same towards MAX_LENGTH.
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private Identifiers() {
    }

    /** Unquoted names fold to lower case, quoted ones keep their case, as in PostgreSQL. */
    static String fold(String raw) {
        if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
            return raw.substring(1, raw.length() - 1).replace("\"\"", "\"");
        }
        return raw.toLowerCase(Locale.ROOT);
    }

    /** The folded name, or a {@link CompileError} at {@code span} saying why {@code what} is unusable. */
    static String resolve(String raw, String what, SourceSpan span) {
        String name = fold(raw);
        if (name.length() > MAX_LENGTH) {
            throw new CompileError(what + " \"" + SourceText.abbreviate(name, 80) + "\" is longer than "
                    + MAX_LENGTH + " characters", span);
        }
        if (!VALID.matcher(name).matches()) {
            String shown = raw.startsWith("\"") ? raw : "\"" + raw + "\"";
            throw new CompileError(what + " " + SourceText.abbreviate(shown, 80) + " is not a valid identifier:"
                    + " it must start with a letter or underscore and hold only letters, digits and underscores", span);
        }
        return name;
    }
}
