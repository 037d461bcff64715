package io.sluice.external.iceberg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.deletes.PositionDeleteIndex;

import io.sluice.run.SnapshotChanges;

/**
 * The positions a deletion vector (Iceberg format version 3) deletes: its blob, at its offset in the
 * Puffin file, decoded by Iceberg's own reader (length, magic, the portable Roaring bitmap, CRC checked).
 */
final class DeletionVectorPositions implements SnapshotChanges.DeletedPositions {
    private final DeleteFile vector;

    DeletionVectorPositions(DeleteFile vector) {
        if (vector.contentOffset() == null || vector.contentSizeInBytes() == null || vector.referencedDataFile() == null) {
            throw new IllegalArgumentException("not a deletion vector: " + vector.location());
        }
        this.vector = vector.copyWithoutStats();
    }

    @Override
    public long[] read(Path puffin) throws IOException {
        long size = vector.contentSizeInBytes();
        if (size > Integer.MAX_VALUE) {
            throw new IOException("deletion vector of " + size + " bytes in " + vector.location());
        }
        ByteBuffer blob = ByteBuffer.allocate((int) size);
        try (FileChannel channel = FileChannel.open(puffin, StandardOpenOption.READ)) {
            long at = vector.contentOffset();
            while (blob.hasRemaining()) {
                if (channel.read(blob, at + blob.position()) < 0) {
                    throw new IOException("deletion vector at offset " + at + " runs past the end of " + vector.location());
                }
            }
        }
        try {
            PositionDeleteIndex index = PositionDeleteIndex.deserialize(blob.array(), vector);
            long[] positions = new long[Math.toIntExact(index.cardinality())];
            int[] next = {0};
            index.forEach(position -> positions[next[0]++] = position);
            return positions;
        } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
            throw new IOException("deletion vector at offset " + vector.contentOffset() + " of " + vector.location()
                    + " cannot be read: " + e.getMessage(), e);
        }
    }
}
