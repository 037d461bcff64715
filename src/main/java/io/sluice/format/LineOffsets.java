package io.sluice.format;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through while numbering physical lines as {@link LineJournal} does (LF, CRLF or CR;
 * from 1) and remembering where the most recent lines start. The parser reading through a decoder
 * lags the bytes by its buffers only, far less than the {@value #REMEMBERED} lines kept here, so it
 * can ask for the byte offset of the line its current record began on.
 */
final class LineOffsets extends FilterInputStream {
    private static final int REMEMBERED = 1 << 17;
    private static final int MASK = REMEMBERED - 1;

    private final long[] lines = new long[REMEMBERED];
    private final long[] offsets = new long[REMEMBERED];
    private long position;
    private long line = 1;
    private boolean afterCr;

    LineOffsets(InputStream in) {
        super(in);
        lines[1] = 1;
        offsets[1] = 0;
    }

    /** Byte offset where line {@code number} starts, or -1 if it is no longer (or not yet) known. */
    long offsetOf(long number) {
        int i = (int) (number & MASK);
        return lines[i] == number ? offsets[i] : -1;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            see((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        for (int i = 0; i < n; i++) {
            byte c = b[off + i];
            if (c > '\r' || c < 0) {
                position++;
                afterCr = false;
            } else {
                see(c);
            }
        }
        return n;
    }

    private void see(byte c) {
        position++;
        if (afterCr) {
            afterCr = false;
            if (c == '\n') {
                // CRLF: the line counted at the CR starts after the LF
                offsets[(int) (line & MASK)] = position;
                return;
            }
        }
        if (c == '\n' || c == '\r') {
            line++;
            int i = (int) (line & MASK);
            lines[i] = line;
            offsets[i] = position;
            afterCr = c == '\r';
        }
    }

    @Override
    public long skip(long n) throws IOException {
        throw new UnsupportedOperationException("lines must be counted: read, do not skip");
    }
}
