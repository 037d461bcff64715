package io.sluice.format;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * Counts the records of a CSV stream from its bytes, without decoding or parsing fields: what
 * {@link CsvRecords} returns for a well-formed file (quoted line breaks inside records, empty lines
 * skipped, CR, LF and CRLF as line breaks, a UTF-8 byte order mark skipped) at a fraction of the
 * cost. Anything whose count depends on how the reader recovers from it (text after a closing quote,
 * a quote never closed, a record too long for the reader, a non-ASCII delimiter or quote) returns
 * empty: the caller then counts with the reader itself.
 */
final class CsvRecordCount {
    private static final int BUFFER = 64 * 1024;
    private static final int UNQUOTED = 0;
    private static final int QUOTED = 1;
    /** In a quoted field, just after a quote: it closes the field or, doubled, stands for one. */
    private static final int QUOTE_IN_QUOTED = 2;
    /** Eight bytes of the buffer at once: most of a record's bytes are neither quote nor line break. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = '\n' * ONES;
    private static final long CRS = '\r' * ONES;

    private CsvRecordCount() {
    }

    static OptionalLong of(InputStream in, CsvOptions options) throws IOException {
        if (options.delimiter() >= 0x80 || options.quote() >= 0x80) {
            return OptionalLong.empty();
        }
        byte delimiter = (byte) options.delimiter();
        byte quote = (byte) options.quote();
        long quotes = quote * ONES;
        byte[] buf = new byte[BUFFER];
        long records = 0;
        long base = 0; // offset of buf[0] in the stream
        long recordStart = 0;
        boolean lineHasText = false;
        boolean fieldStart = true;
        boolean afterCr = false;
        int state = UNQUOTED;
        int n = in.readNBytes(buf, 0, 3);
        if (n == 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
            base = recordStart = 3; // a byte order mark: not part of the first line
            n = in.read(buf);
        }
        while (n > 0) {
            for (int i = 0; i < n; i++) {
                if (i + Long.BYTES <= n && (state == QUOTED || state == UNQUOTED && !afterCr)) {
                    // bytes before the next quote or line break change nothing but what the last says
                    long word = (long) LONGS.get(buf, i);
                    long specials = state == QUOTED ? matches(word, quotes)
                            : matches(word, quotes) | matches(word, LFS) | matches(word, CRS);
                    int plain = Long.numberOfTrailingZeros(specials) >>> 3; // 8 when there is none
                    if (plain > 0) {
                        if (state == UNQUOTED) {
                            lineHasText = true;
                            fieldStart = buf[i + plain - 1] == delimiter;
                        }
                        i += plain - 1;
                        continue;
                    }
                }
                byte b = buf[i];
                if (state == QUOTED) {
                    if (b == quote) {
                        state = QUOTE_IN_QUOTED;
                    }
                    continue;
                }
                if (state == QUOTE_IN_QUOTED) {
                    if (b == quote) {
                        state = QUOTED;
                        continue;
                    }
                    if (b != delimiter && b != '\n' && b != '\r') {
                        return OptionalLong.empty(); // text after a closing quote: a malformed record
                    }
                    state = UNQUOTED;
                }
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                if (b == '\n' || b == '\r') {
                    if (lineHasText) {
                        records++;
                    }
                    afterCr = b == '\r';
                    lineHasText = false;
                    fieldStart = true;
                    recordStart = base + i + 1;
                    continue;
                }
                lineHasText = true;
                if (b == delimiter) {
                    fieldStart = true;
                } else if (fieldStart && b == quote) {
                    state = QUOTED;
                    fieldStart = false;
                } else {
                    fieldStart = false;
                }
            }
            base += n;
            if (base - recordStart > CsvRecords.MAX_RECORD_BYTES) {
                return OptionalLong.empty(); // a record that long may be more than the reader holds
            }
            n = in.read(buf);
        }
        if (state == QUOTED) {
            return OptionalLong.empty(); // a quote never closed
        }
        return OptionalLong.of(lineHasText ? records + 1 : records);
    }

    /**
     * The high bit of each byte of word that equals the byte repeated in pattern (the classic
     * zero-byte test): exact up to the first match, which is all the caller reads.
     */
    private static long matches(long word, long pattern) {
        long x = word ^ pattern;
        return (x - ONES) & ~x & HIGHS;
    }
}
