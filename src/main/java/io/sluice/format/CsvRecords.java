package io.sluice.format;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The records of a CSV stream (RFC 4180), parsed from its UTF-8 bytes in one pass: fields are
 * located only where asked for ({@link #wantAll}, {@link #want}, {@link #wantNone}) and decoded only
 * when read ({@link #field}); a caller may read a plain field's bytes instead ({@link #isPlain}). CR, LF and CRLF end lines; empty lines are skipped; a UTF-8 byte
 * order mark at the start is skipped. A quote is special only at the start of a field; in a quoted
 * field a doubled quote stands for one.
 *
 * <p>A malformed record (text after a closing quote, a quote never closed, a record over
 * {@value #MAX_RECORD_BYTES} bytes) is returned as such, and parsing starts over at the line after
 * the one it began on, so that only that line is lost.
 */
final class CsvRecords implements Closeable {
    static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;
    private static final int MAX_KEPT_FIELDS = 16 * 1024;
    private static final int VALUE_PREVIEW = RowError.MAX_VALUE_LENGTH;
    private static final int READ_SIZE = 64 * 1024;
    private static final String UNEXPECTED_AFTER_QUOTE = "Malformed CSV: unexpected character after a closing quote";
    private static final String UNCLOSED_QUOTE = "Malformed CSV: quote not closed before the end of the file";
    private static final String TOO_LONG = "Malformed CSV: record longer than " + MAX_RECORD_BYTES + " bytes (a quote not closed?)";
    private static final byte PLAIN = 0;
    private static final byte NULL = 1;
    /** Quoted with doubled quotes inside: its bytes are not its value. */
    private static final byte DOUBLED = 2;
    private static final byte NOT_WANTED = 3;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] quote;
    private final byte delimiter0;
    private final byte quote0;
    private final byte[] nullMarker;

    private byte[] buf = new byte[READ_SIZE];
    /** Offset in the stream of buf[0]. */
    private long base;
    /** buf[start] is where the current record begins: bytes before it may be dropped. */
    private int start;
    private int pos;
    private int end;
    private boolean eof;
    private boolean started;
    /** The physical line (from 1) at {@link #pos}. */
    private long line = 1;
    private long recordLine;
    private long recordOffset;

    /** Where each wanted field of the current record lies: offsets from {@link #start}, lengths, kinds. */
    private int[] fieldFrom = new int[16];
    private int[] fieldLength = new int[16];
    private byte[] fieldKind = new byte[16];
    private int fieldCount;
    private boolean[] wanted;
    private int keep = MAX_KEPT_FIELDS;
    private String malformed;
    private String malformedText;
    /** A record outgrew {@link #MAX_RECORD_BYTES} while {@link #more} read on. */
    private boolean tooLong;
    private byte[] unquoted = new byte[256];

    CsvRecords(InputStream in, CsvOptions options) {
        this.in = in;
        this.delimiter = String.valueOf(options.delimiter()).getBytes(StandardCharsets.UTF_8);
        this.quote = String.valueOf(options.quote()).getBytes(StandardCharsets.UTF_8);
        this.delimiter0 = delimiter[0];
        this.quote0 = quote[0];
        this.nullMarker = options.nullMarker() == null ? null : options.nullMarker().getBytes(StandardCharsets.UTF_8);
    }

    /** Materializes every field (for a header). */
    void wantAll() {
        wanted = null;
        keep = MAX_KEPT_FIELDS;
    }

    /** Materializes the fields at positions where {@code positions} is true. */
    void want(boolean[] positions) {
        wanted = positions;
        keep = positions.length;
        room(keep);
    }

    /** Materializes no field: for counting and skipping records. */
    void wantNone() {
        wanted = null;
        keep = 0;
    }

    /** Advances to the next record; false at the end of the input. */
    boolean next() throws IOException {
        malformed = null;
        while (true) {
            start = pos;
            if (pos == end && !more()) {
                return false;
            }
            byte b = buf[pos];
            if (b == '\n' || b == '\r') {
                lineBreak(); // an empty line
                continue;
            }
            recordLine = line;
            recordOffset = base + start;
            fieldCount = 0;
            String fault = record();
            if (fault != null) {
                malformed = fault;
                readFirstLine();
                malformedText = firstLine();
                resumeAfterFirstLine();
            }
            return true;
        }
    }

    /** Why the current record could not be parsed, or null if it was. */
    String malformed() {
        return malformed;
    }

    /** The start of the current record's first line (up to 200 characters), for error reports. */
    String text() {
        return malformed != null ? malformedText : firstLine();
    }

    /** The physical line (from 1) the current record starts on. */
    long recordLine() {
        return recordLine;
    }

    /** The byte offset in the stream (a byte order mark counted) where the current record starts. */
    long recordOffset() {
        return recordOffset;
    }

    int fieldCount() {
        return fieldCount;
    }

    /** Field {@code i} of the current record if it was wanted (else null); null for NULL. */
    String field(int i) {
        if (i >= keep || fieldKind[i] == NULL || fieldKind[i] == NOT_WANTED) {
            return null;
        }
        int from = offset(i);
        int length = fieldLength[i];
        if (length == 0) {
            return "";
        }
        return fieldKind[i] == DOUBLED ? withoutDoubledQuotes(from, from + length)
                : new String(buf, from, length, StandardCharsets.UTF_8);
    }

    /**
     * Whether wanted field {@code i} is not NULL and its value is its bytes,
     * {@code buffer()[offset(i) .. offset(i) + length(i))}: valid until the next {@link #next}.
     */
    boolean isPlain(int i) {
        return i < keep && fieldKind[i] == PLAIN;
    }

    byte[] buffer() {
        return buf;
    }

    int offset(int i) {
        return start + fieldFrom[i];
    }

    int length(int i) {
        return fieldLength[i];
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Parses the fields of a record starting at {@link #pos}; the reason it is malformed, or null. */
    private String record() throws IOException {
        while (true) {
            if (pos == end && !more()) {
                field(pos, pos, false, false);
                return tooLong ? TOO_LONG : null;
            }
            String fault = at(pos, quote) ? quotedField() : unquotedField();
            if (fault != null || tooLong) {
                return tooLong ? TOO_LONG : fault;
            }
            if (pos == end && !more()) {
                return tooLong ? TOO_LONG : null; // the last record, without a line break
            }
            if (buf[pos] == '\n' || buf[pos] == '\r') {
                lineBreak();
                return null;
            }
            pos += delimiter.length; // the field ended at a delimiter: another follows
        }
    }

    /** An unquoted field, up to a delimiter, a line break or the end. */
    private String unquotedField() throws IOException {
        int from = pos - start;
        while (true) {
            byte[] b = buf;
            int i = pos;
            int limit = end;
            byte d = delimiter0;
            while (i < limit) {
                byte c = b[i];
                if (c == d || c == '\n' || c == '\r') {
                    break;
                }
                i++;
            }
            pos = i;
            if (i < limit && (b[i] != d || at(i, delimiter))) {
                field(start + from, pos, false, false);
                return null;
            }
            if (i < limit) {
                pos++; // the first byte of a multi-byte delimiter, not followed by the rest
                continue;
            }
            if (!more()) {
                field(start + from, pos, false, false);
                return null;
            }
            if (tooLong) {
                return TOO_LONG;
            }
        }
    }

    /** A quoted field: from the opening quote at {@link #pos} to the closing one, which must end the field. */
    private String quotedField() throws IOException {
        pos += quote.length;
        int from = pos - start;
        boolean doubled = false;
        while (true) {
            if (pos == end && (!more() || tooLong)) {
                return tooLong ? TOO_LONG : UNCLOSED_QUOTE;
            }
            byte c = buf[pos];
            if (c == quote0 && at(pos, quote)) {
                int to = pos - start;
                pos += quote.length;
                if (pos < end || more()) {
                    if (at(pos, quote)) {
                        doubled = true;
                        pos += quote.length;
                        continue;
                    }
                    byte after = buf[pos];
                    if (after != '\n' && after != '\r' && !at(pos, delimiter)) {
                        return UNEXPECTED_AFTER_QUOTE;
                    }
                }
                field(start + from, start + to, true, doubled);
                return null;
            }
            if (c == '\n' || c == '\r') {
                lineBreak();
            } else {
                pos++;
            }
        }
    }

    /** Whether {@code sequence} (a delimiter or quote) starts at {@code i}; reads on as needed. */
    private boolean at(int i, byte[] sequence) throws IOException {
        if (i >= end || buf[i] != sequence[0]) {
            return false;
        }
        if (sequence.length == 1) {
            return true;
        }
        int offset = i - start;
        while (start + offset + sequence.length > end && more()) {
            // read until the sequence fits
        }
        int from = start + offset;
        return from + sequence.length <= end
                && Arrays.equals(buf, from, from + sequence.length, sequence, 0, sequence.length);
    }

    /** Passes the line break (CR, LF or CRLF) at {@link #pos}. */
    private void lineBreak() throws IOException {
        byte c = buf[pos++];
        if (c == '\r' && (pos < end || more()) && buf[pos] == '\n') {
            pos++;
        }
        line++;
    }

    private void field(int from, int to, boolean quoted, boolean doubled) {
        int i = fieldCount++;
        if (i >= keep) {
            return;
        }
        if (i == fieldKind.length) {
            room(Math.min(fieldKind.length * 2, MAX_KEPT_FIELDS));
        }
        if (wanted != null && !wanted[i]) {
            fieldKind[i] = NOT_WANTED;
            return;
        }
        fieldFrom[i] = from - start;
        fieldLength[i] = to - from;
        fieldKind[i] = !quoted && isNull(from, to - from) ? NULL : doubled ? DOUBLED : PLAIN;
    }

    private void room(int fields) {
        if (fieldKind.length < fields) {
            fieldFrom = Arrays.copyOf(fieldFrom, fields);
            fieldLength = Arrays.copyOf(fieldLength, fields);
            fieldKind = Arrays.copyOf(fieldKind, fields);
        }
    }

    private boolean isNull(int from, int length) {
        if (nullMarker == null) {
            return length == 0;
        }
        return length == nullMarker.length && Arrays.equals(buf, from, from + length, nullMarker, 0, length);
    }

    private String withoutDoubledQuotes(int from, int to) {
        if (unquoted.length < to - from) {
            unquoted = new byte[Math.max(to - from, unquoted.length * 2)];
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            unquoted[n++] = buf[i];
            if (buf[i] == quote0 && i + quote.length <= to
                    && Arrays.equals(buf, i, i + quote.length, quote, 0, quote.length)) {
                for (int k = 1; k < quote.length; k++) {
                    unquoted[n++] = buf[i + k];
                }
                i += 2 * quote.length - 1; // the second quote of the pair is left out
            }
        }
        return new String(unquoted, 0, n, StandardCharsets.UTF_8);
    }

    /** Up to {@value #VALUE_PREVIEW} characters of the current record's first line. */
    private String firstLine() {
        int limit = Math.min(end, start + 4 * VALUE_PREVIEW);
        int i = start;
        while (i < limit && buf[i] != '\n' && buf[i] != '\r') {
            i++;
        }
        String text = new String(buf, start, i - start, StandardCharsets.UTF_8);
        return text.length() > VALUE_PREVIEW ? text.substring(0, VALUE_PREVIEW) : text;
    }

    /** Reads on until the record's first line, or as much of it as {@link #firstLine} shows, is in the buffer. */
    private void readFirstLine() throws IOException {
        int scanned = start;
        while (true) {
            while (scanned < end && buf[scanned] != '\n' && buf[scanned] != '\r') {
                scanned++;
            }
            if (scanned < end || scanned - start >= 4 * VALUE_PREVIEW) {
                return;
            }
            int offset = scanned - start;
            if (!more()) {
                return;
            }
            scanned = start + offset;
        }
    }

    /** After a malformed record: parsing goes on at the line after the one the record began on. */
    private void resumeAfterFirstLine() throws IOException {
        tooLong = false;
        pos = start;
        while (true) {
            while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            if (pos < end) {
                break;
            }
            start = pos; // the line is longer than the record kept: drop what was read of it
            if (!more()) {
                break;
            }
        }
        line = recordLine;
        if (pos < end) {
            lineBreak();
        }
    }

    /**
     * Reads more of the stream after {@link #end}, keeping the bytes from {@link #start}; false at
     * the end of the stream. Past {@link #MAX_RECORD_BYTES} from the record's start it sets
     * {@link #tooLong} instead of growing further.
     */
    private boolean more() throws IOException {
        if (eof) {
            return false;
        }
        if (end == buf.length) {
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                base += start;
                pos -= start;
                end -= start;
                start = 0;
            } else {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        if (end - start > MAX_RECORD_BYTES) {
            tooLong = true;
        }
        int count;
        do {
            count = in.read(buf, end, buf.length - end);
            if (count < 0) {
                eof = true;
                return false;
            }
            if (!started) {
                started = true;
                count = skipByteOrderMark(count); // 0 when the stream held the mark only, so far
            }
        } while (count == 0);
        end += count;
        return true;
    }

    private int skipByteOrderMark(int count) throws IOException {
        while (count < 3) {
            int more = in.read(buf, end + count, 3 - count);
            if (more < 0) {
                break;
            }
            count += more;
        }
        if (count >= 3 && (buf[end] & 0xFF) == 0xEF && (buf[end + 1] & 0xFF) == 0xBB && (buf[end + 2] & 0xFF) == 0xBF) {
            System.arraycopy(buf, end + 3, buf, end, count - 3);
            base += 3;
            return count - 3;
        }
        return count;
    }
}
