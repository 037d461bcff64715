package io.sluice.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import io.sluice.source.SourceFile;

/** Spreads a run's pieces of work over its partitions, largest first onto the least loaded partition. */
final class PartitionPlan {
    private PartitionPlan() {
    }

    static List<List<SourceFile>> split(List<SourceFile> files, int partitions) {
        return split(files, partitions, SourceFile::size, SourceFile::path);
    }

    /** Each partition's pieces come back in {@code order}'s order (by path: files are read as listed). */
    static <T> List<List<T>> split(List<T> pieces, int partitions, ToLongFunction<T> size, Function<T, String> order) {
        List<List<T>> parts = new ArrayList<>();
        long[] bytes = new long[partitions];
        for (int i = 0; i < partitions; i++) {
            parts.add(new ArrayList<>());
        }
        List<T> bySize = new ArrayList<>(pieces);
        bySize.sort(Comparator.comparingLong(size).reversed().thenComparing(order));
        for (T piece : bySize) {
            int target = 0;
            for (int i = 1; i < partitions; i++) {
                if (bytes[i] < bytes[target]) {
                    target = i;
                }
            }
            parts.get(target).add(piece);
            bytes[target] += size.applyAsLong(piece);
        }
        parts.forEach(p -> p.sort(Comparator.comparing(order)));
        return parts;
    }
}
