package io.sluice.format;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/** An input stream of a header and {@code rows} generated lines, made on the fly: large inputs without files or memory. */
final class GeneratedInput extends InputStream {
    private final LongFunction<String> line;
    private final long rows;
    private long next;
    private byte[] current;
    private int position;

    /** {@code line.apply(0)} is the header (null for none), {@code line.apply(1..rows)} the rows; each ends with its newline. */
    GeneratedInput(long rows, LongFunction<String> line) {
        this.rows = rows;
        this.line = line;
        String header = line.apply(0);
        this.current = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        this.next = 1;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        int written = 0;
        while (written < length) {
            if (position == current.length) {
                if (next > rows) {
                    break;
                }
                current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
                position = 0;
            }
            int count = Math.min(length - written, current.length - position);
            System.arraycopy(current, position, target, offset + written, count);
            position += count;
            written += count;
        }
        return written == 0 && length > 0 ? -1 : written;
    }
}
