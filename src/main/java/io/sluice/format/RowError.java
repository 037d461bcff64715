package io.sluice.format;

/**
 * One rejected value or row of a source file.
 *
 * @param row    1-based data row number (a CSV header is not counted)
 * @param column the target column, or null for a problem with the whole row (wrong field count,
 *               malformed CSV record, a line that is not a JSON object)
 * @param value  the offending source text, cut to {@value #MAX_VALUE_LENGTH} characters; null when
 *               the value was missing
 * @param error  a short message, e.g. "Expected integer"
 */
public record RowError(long row, String column, String value, String error) {

    public static final int MAX_VALUE_LENGTH = 200;

    public RowError {
        value = cut(value);
    }

    private static String cut(String value) {
        if (value == null || value.length() <= MAX_VALUE_LENGTH) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_VALUE_LENGTH - 1)) ? MAX_VALUE_LENGTH - 1 : MAX_VALUE_LENGTH;
        return value.substring(0, end);
    }
}
