package io.sluice.format;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The lines of a byte stream (LF or CRLF), without copying them: each is a range of {@link #bytes()}
 * valid until the next {@link #next()}. A line longer than {@code maxLine} bytes is returned as
 * {@link #tooLong()} with no bytes, after skipping to its end, so memory stays bounded. Skips a
 * UTF-8 byte order mark.
 */
final class ByteLines implements Closeable {
    private static final int INITIAL_SIZE = 64 * 1024;

    private final InputStream in;
    private final int maxLine;
    private byte[] buf = new byte[INITIAL_SIZE];
    private int lineStart;
    private int lineEnd;
    /** buf[next, limit) is unread. */
    private int next;
    private int limit;
    private boolean eof;
    private boolean started;
    private boolean tooLong;

    ByteLines(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** Advances to the next line; false at the end of the input. */
    boolean next() throws IOException {
        tooLong = false;
        int scan = next;
        while (true) {
            int newline = indexOf((byte) '\n', scan, limit);
            if (newline >= 0) {
                setLine(next, newline);
                next = newline + 1;
                return true;
            }
            if (eof) {
                if (next == limit) {
                    return false;
                }
                setLine(next, limit);
                next = limit;
                return true;
            }
            if (limit - next >= maxLine) {
                tooLong = true;
                next = limit; // drop what we have of the line; keep reading to its end
            }
            scan = limit - next;
            fill();
            scan += next;
        }
    }

    boolean tooLong() {
        return tooLong;
    }

    byte[] bytes() {
        return buf;
    }

    int start() {
        return lineStart;
    }

    int length() {
        return lineEnd - lineStart;
    }

    /** Whether the line holds nothing but blanks. */
    boolean isBlank() {
        for (int i = lineStart; i < lineEnd; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return !tooLong;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void setLine(int start, int end) {
        lineStart = tooLong ? end : start;
        lineEnd = end > lineStart && buf[end - 1] == '\r' ? end - 1 : end;
    }

    /** Reads more: moves the unread part to the front, growing the buffer if that is all it holds. */
    private void fill() throws IOException {
        if (next > 0) {
            System.arraycopy(buf, next, buf, 0, limit - next);
            limit -= next;
            next = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int count = in.read(buf, limit, buf.length - limit);
        if (count < 0) {
            eof = true;
            return;
        }
        limit += count;
        if (!started) {
            skipByteOrderMark();
        }
    }

    private void skipByteOrderMark() throws IOException {
        started = true;
        while (limit < 3) {
            int count = in.read(buf, limit, buf.length - limit);
            if (count < 0) {
                eof = true;
                return;
            }
            limit += count;
        }
        if ((buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) {
            next = 3;
        }
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
