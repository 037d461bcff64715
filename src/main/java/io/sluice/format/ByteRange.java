package io.sluice.format;

/**
 * Part of a CSV file that starts at a record boundary: bytes {@code [start, end)}, holding
 * {@code rows} data rows of which the first is data row {@code firstRow + 1} of the whole file.
 */
public record ByteRange(long start, long end, long firstRow, long rows) {
    public long length() {
        return end - start;
    }
}
