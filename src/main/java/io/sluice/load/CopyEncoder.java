package io.sluice.load;

import java.sql.SQLException;

import io.sluice.format.RowBatch;
import io.sluice.pipeline.program.PgType;

/**
 * Writes {@link RowBatch}'s column-major typed arrays as the rows of one COPY format straight into
 * bytes, in chunks of one reused buffer handed to a {@link Sink}: no String per row or per batch.
 * {@link #forKinds} picks the format: binary wherever every column has a binary form built from its
 * Java value (PostgreSQL then parses nothing), else text.
 */
abstract class CopyEncoder {
    /** Where full chunks of encoded rows go ({@code CopyIn::writeToCopy}). */
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    static final int CHUNK = 64 * 1024;
    /** Characters (or bytes) of a value handled per capacity check. */
    protected static final int SLICE = 4096;
    /** Bytes of UTF-8 per char at most (a surrogate pair: 4 bytes for 2 chars). */
    protected static final int UTF8_MAX = 3;

    protected final PgType.Kind[] kinds;
    private final Sink sink;
    protected byte[] buffer = new byte[CHUNK];
    protected int position;
    private long bytesWritten;

    protected CopyEncoder(PgType.Kind[] kinds, Sink sink) {
        this.kinds = kinds;
        this.sink = sink;
    }

    /**
     * Binary, unless a column's kind has no binary form here (interval: its values are text that
     * PostgreSQL interprets).
     */
    static CopyEncoder forKinds(PgType.Kind[] kinds, Sink sink) {
        return binary(kinds) ? new CopyBinaryEncoder(kinds, sink) : new CopyTextEncoder(kinds, sink);
    }

    /** The options of the COPY statement for the format {@link #forKinds} picks: {@code " (FORMAT binary)"} or "". */
    static String options(PgType.Kind[] kinds) {
        return binary(kinds) ? " (FORMAT binary)" : "";
    }

    private static boolean binary(PgType.Kind[] kinds) {
        for (PgType.Kind kind : kinds) {
            if (!CopyBinaryEncoder.encodes(kind)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Encodes the first {@code size} rows of {@code columns} as one whole COPY's data; with
     * {@code withOrdinal} each row ends with one more bigint column, its index in the batch. Everything
     * is handed to the sink when this returns.
     */
    final void encode(Object[][] columns, int size, boolean withOrdinal) throws SQLException {
        begin();
        rows(columns, size, withOrdinal);
        end();
    }

    /** What the format's data starts with (binary: its signature and header). */
    void begin() throws SQLException {
    }

    /**
     * The first {@code size} rows of {@code columns}, between {@link #begin} and {@link #end}: a COPY may
     * take several batches. Everything is handed to the sink when this returns.
     */
    abstract void rows(Object[][] columns, int size, boolean withOrdinal) throws SQLException;

    /** What the format's data ends with (binary: its trailer), handed to the sink. */
    void end() throws SQLException {
        flush();
    }

    /** Bytes handed to the sink so far. */
    long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Refuses columns whose arrays cannot hold their kind's Java type ({@link RowBatch#javaType}; bytea also
     * as {@code byte[]}; {@code Object[]} arrays are checked value by value as they are encoded).
     */
    static void check(PgType.Kind[] kinds, Object[][] columns, int size) {
        if (columns.length != kinds.length) {
            throw new IllegalArgumentException(columns.length + " columns for " + kinds.length + " kinds");
        }
        for (int c = 0; c < columns.length; c++) {
            Class<?> element = columns[c].getClass().getComponentType();
            Class<?> expected = RowBatch.javaType(kinds[c]);
            boolean bytes = kinds[c] == PgType.Kind.BYTEA && element == byte[].class;
            if (!bytes && element != Object.class && !expected.isAssignableFrom(element)) {
                throw new IllegalArgumentException("column " + c + " (" + kinds[c] + ") holds " + element.getSimpleName()
                        + ", not " + expected.getSimpleName());
            }
            if (columns[c].length < size) {
                throw new IllegalArgumentException("column " + c + " has " + columns[c].length + " rows, fewer than " + size);
            }
        }
    }

    /** The error PostgreSQL gives for a NUL character, which its text types cannot hold (SQLSTATE 22021). */
    static SQLException nul(int column, int row) {
        return new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00 (column " + (column + 1) + ", row "
                + (row + 1) + " of the batch: PostgreSQL text cannot hold NUL characters)", "22021");
    }

    /**
     * Writes chars [{@code from}, {@code to}) of {@code text} as UTF-8 at {@link #position}, where the
     * caller made room for {@link #UTF8_MAX} bytes a char and one pair more; a surrogate pair that
     * starts at {@code to - 1} is written whole. A lone surrogate becomes '?', as Java's UTF-8 encoder
     * writes it. With {@code copyTextEscapes}, backslash, tab, newline and carriage return get COPY
     * text's escapes. A NUL refuses the value either way. Returns the index of the next char.
     */
    protected final int writeUtf8(String text, int from, int to, boolean copyTextEscapes, int column, int row)
            throws SQLException {
        byte[] b = buffer;
        int p = position;
        int length = text.length();
        int i = from;
        for (; i < to; i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) {
                if (ch >= 0x20 && ch != '\\') {
                    b[p++] = (byte) ch;
                } else if (ch == 0) {
                    throw nul(column, row);
                } else if (copyTextEscapes) {
                    p = escape(b, p, ch);
                } else {
                    b[p++] = (byte) ch;
                }
            } else if (ch < 0x800) {
                b[p++] = (byte) (0xC0 | (ch >> 6));
                b[p++] = (byte) (0x80 | (ch & 0x3F));
            } else if (Character.isSurrogate(ch)) {
                char low = i + 1 < length ? text.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(ch) && Character.isLowSurrogate(low)) {
                    int cp = Character.toCodePoint(ch, low);
                    b[p++] = (byte) (0xF0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    b[p++] = '?';
                }
            } else {
                b[p++] = (byte) (0xE0 | (ch >> 12));
                b[p++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        position = p;
        return i;
    }

    /** COPY text's escapes of backslash, tab, newline and carriage return; other controls as they are. */
    private static int escape(byte[] b, int p, char ch) {
        byte escaped = switch (ch) {
            case '\\' -> '\\';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\r' -> 'r';
            default -> 0;
        };
        if (escaped == 0) {
            b[p++] = (byte) ch;
        } else {
            b[p++] = '\\';
            b[p++] = escaped;
        }
        return p;
    }

    /** Room for {@code bytes} more bytes: hands the full part of the buffer to the sink first if needed. */
    protected final void ensure(int bytes) throws SQLException {
        if (position + bytes <= buffer.length) {
            return;
        }
        flush();
        if (bytes > buffer.length) {
            buffer = new byte[bytes];
        }
    }

    protected final void flush() throws SQLException {
        if (position > 0) {
            sink.write(buffer, 0, position);
            bytesWritten += position;
            position = 0;
        }
    }
}
