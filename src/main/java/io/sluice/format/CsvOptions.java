package io.sluice.format;

import java.util.Map;
import java.util.Set;

/**
 * The options of a CSV source.
 *
 * @param header     whether the first record names the fields (default true)
 * @param delimiter  the field separator (default ',')
 * @param quote      the quote character (default '"')
 * @param nullMarker the unquoted text that means NULL; null for the default, an empty unquoted field
 */
record CsvOptions(boolean header, char delimiter, char quote, String nullMarker) {
    static final CsvOptions DEFAULT = new CsvOptions(true, ',', '"', null);
    private static final Set<String> NAMES = Set.of("header", "delimiter", "quote", "null", "encoding");

    /** @throws IllegalArgumentException naming the option at fault */
    static CsvOptions parse(Map<String, Object> options) {
        if (options == null || options.isEmpty()) {
            return DEFAULT;
        }
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown csv option '" + name + "' (known: delimiter, encoding, header, null, quote)");
            }
        }
        boolean header = bool(options, "header", DEFAULT.header());
        char delimiter = character(options, "delimiter", DEFAULT.delimiter());
        char quote = character(options, "quote", DEFAULT.quote());
        if (delimiter == quote) {
            throw new IllegalArgumentException("csv options: delimiter and quote must differ, both are '" + delimiter + "'");
        }
        Object nullMarker = options.get("null");
        if (nullMarker != null && !(nullMarker instanceof String)) {
            throw new IllegalArgumentException("csv option 'null' must be a string, not " + nullMarker);
        }
        String marker = (String) nullMarker;
        if (marker != null && (marker.indexOf(delimiter) >= 0 || marker.indexOf(quote) >= 0
                || marker.indexOf('\n') >= 0 || marker.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("csv option 'null' cannot contain the delimiter, the quote or a line break");
        }
        Object encoding = options.get("encoding");
        if (encoding != null && !(encoding instanceof String name
                && (name.equalsIgnoreCase("UTF-8") || name.equalsIgnoreCase("UTF8")))) {
            throw new IllegalArgumentException("csv option 'encoding': only UTF-8 is supported, not " + encoding);
        }
        return new CsvOptions(header, delimiter, quote, marker == null || marker.isEmpty() ? null : marker);
    }

    private static boolean bool(Map<String, Object> options, String name, boolean otherwise) {
        Object value = options.get(name);
        if (value == null) {
            return otherwise;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new IllegalArgumentException("csv option '" + name + "' must be true or false, not " + value);
    }

    private static char character(Map<String, Object> options, String name, char otherwise) {
        Object value = options.get(name);
        if (value == null) {
            return otherwise;
        }
        if (!(value instanceof String s) || s.length() != 1) {
            throw new IllegalArgumentException("csv option '" + name + "' must be a single character, not " + value);
        }
        char c = s.charAt(0);
        if (c == '\n' || c == '\r') {
            throw new IllegalArgumentException("csv option '" + name + "' cannot be a line break");
        }
        return c;
    }
}
