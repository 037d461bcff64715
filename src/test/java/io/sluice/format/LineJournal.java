package io.sluice.format;

import java.io.IOException;
import java.io.Reader;

/**
 * The decoded CSV text on its way to the parser, kept from the start of the record being parsed, so
 * that after a malformed record parsing can start over at the next line. Lines are physical lines
 * (LF, CRLF or CR), numbered from 1 as FastCSV numbers them. Skips a UTF-8 byte order mark.
 *
 * <p>It holds at most what the parser itself must hold for one record, plus one read; past
 * {@code maxChars} it stops keeping the current record (a later rewind then starts where it can).
 */
final class LineJournal extends Reader {
    private static final int INITIAL_SIZE = 64 * 1024;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final Reader source;
    private final int maxChars;
    private char[] buf = new char[INITIAL_SIZE];
    /** buf[kept] is the start of line {@link #keptLine}; text before it may be dropped. */
    private int kept;
    private long keptLine = 1;
    /** The first line still needed (a record starts there); kept catches up lazily. */
    private long releasable = 1;
    /** buf[pos, end) is text not handed out yet (again, after a rewind). */
    private int pos;
    private int end;
    private boolean eof;
    private boolean started;

    LineJournal(Reader source, int maxChars) {
        this.source = source;
        this.maxChars = Math.max(maxChars, INITIAL_SIZE);
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (pos == end && !fill()) {
            return -1;
        }
        int count = Math.min(length, end - pos);
        System.arraycopy(buf, pos, target, offset, count);
        pos += count;
        return count;
    }

    /**
     * A record starts at {@code line}: the text before that line is no longer needed. Cheap: the text
     * is only scanned for line breaks when room is needed, a rewind asks for it, or {@link #lineText}.
     */
    void release(long line) {
        releasable = line;
    }

    /** Moves {@link #kept} to the start of line {@code line}, or as far towards it as the text read allows. */
    private void advanceTo(long line) {
        int i = kept;
        long current = keptLine;
        int limit = end;
        char[] text = buf;
        while (current < line && i < limit) {
            char c = text[i++];
            if (c > '\r') {
                continue; // nearly every character: one comparison
            }
            if (c == '\n') {
                current++;
            } else if (c == '\r') {
                if (i < limit) {
                    if (text[i] == '\n') {
                        i++;
                    }
                } else if (!eof) {
                    i--; // a CR at the end: whether an LF follows is not known yet
                    break;
                }
                current++;
            }
        }
        kept = i;
        keptLine = current;
    }

    /**
     * Makes the next reads return the text from the start of {@code line} (or from the earliest text
     * kept, if that line was dropped), reading ahead from the source as far as needed.
     */
    void rewindTo(long line) throws IOException {
        releasable = line;
        advanceTo(line);
        while (keptLine < line) {
            pos = end; // everything up to `end` lies before `line`: let fill() drop it
            if (!fill()) {
                break;
            }
            advanceTo(line);
        }
        pos = kept;
    }

    /** Up to {@code max} characters of the kept text's first line (the current record's, between records). */
    String lineText(int max) {
        advanceTo(releasable);
        int i = kept;
        int limit = Math.min(end, kept + max);
        while (i < limit && buf[i] != '\n' && buf[i] != '\r') {
            i++;
        }
        return new String(buf, kept, i - kept);
    }

    /** The line number of the text the next read returns, if it starts a line (after a rewind). */
    long keptLine() {
        return keptLine;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (end == buf.length) {
            makeRoom();
        }
        int count = source.read(buf, end, buf.length - end);
        if (count < 0) {
            eof = true;
            return false;
        }
        if (!started && count > 0) {
            started = true;
            if (buf[end] == BYTE_ORDER_MARK) {
                kept++;
                pos++;
            }
        }
        end += count;
        return true;
    }

    private void makeRoom() {
        advanceTo(releasable);
        if (kept == 0 && buf.length < maxChars) {
            char[] larger = new char[(int) Math.min((long) buf.length * 2, maxChars)];
            System.arraycopy(buf, 0, larger, 0, end);
            buf = larger;
            return;
        }
        if (kept == 0) {
            // one record longer than maxChars: stop keeping it (a rewind into it resumes mid-line),
            // but go on counting its lines; everything up to `end` was handed out (pos == end)
            advanceTo(Long.MAX_VALUE);
        }
        System.arraycopy(buf, kept, buf, 0, end - kept);
        pos -= kept;
        end -= kept;
        kept = 0;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
