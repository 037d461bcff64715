package io.sluice.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.sluice.source.SourceFile;

/** Spreads a run's files over its partitions, largest first onto the least loaded partition. */
final class PartitionPlan {
    private PartitionPlan() {
    }

    static List<List<SourceFile>> split(List<SourceFile> files, int partitions) {
        List<List<SourceFile>> parts = new ArrayList<>();
        long[] bytes = new long[partitions];
        for (int i = 0; i < partitions; i++) {
            parts.add(new ArrayList<>());
        }
        List<SourceFile> bySize = new ArrayList<>(files);
        bySize.sort(Comparator.comparingLong(SourceFile::size).reversed().thenComparing(SourceFile::path));
        for (SourceFile f : bySize) {
            int target = 0;
            for (int i = 1; i < partitions; i++) {
                if (bytes[i] < bytes[target]) {
                    target = i;
                }
            }
            parts.get(target).add(f);
            bytes[target] += f.size();
        }
        parts.forEach(p -> p.sort(Comparator.comparing(SourceFile::path)));
        return parts;
    }
}
