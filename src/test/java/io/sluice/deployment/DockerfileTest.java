package io.sluice.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The JVM image's Dockerfile, read as text (no Docker daemon here to build it): the data directory
 * is created and owned by the runtime user before the image switches to it, that user is not
 * root, the data directory is a volume, the image checks its health, and the benchmarks run with its
 * memory flags.
 */
class DockerfileTest {
    private static final String DATA = "/deployments/sluice-data";

    @Test
    void theDataVolumeBelongsToTheNonRootRuntimeUser() throws IOException {
        List<String> lines = instructions(Path.of("src/main/docker/Dockerfile.jvm"));
        int chown = indexOf(lines, l -> l.startsWith("RUN ") && l.contains("mkdir -p " + DATA) && l.contains("chown 185"));
        String lastUser = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertEquals("USER 185", lastUser, "runs as 185, never root");
        assertTrue(chown < lines.lastIndexOf(lastUser), "the data directory is made before switching to the runtime user");
        assertTrue(lines.contains("VOLUME " + DATA), "the data directory is a volume");
        assertTrue(lines.contains("ENV SLUICE_DATA_DIR=" + DATA));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/q/health/live")), "a health check");
    }

    /**
     * The benchmarks' figures are the image's: bench/lib.sh starts the service with the memory flags
     * the Dockerfile appends and the malloc arenas it sets.
     */
    @Test
    void theBenchmarksRunWithTheImagesMemoryFlags() throws IOException {
        List<String> lines = instructions(Path.of("src/main/docker/Dockerfile.jvm"));
        String appended = lines.stream().filter(l -> l.startsWith("ENV JAVA_OPTS_APPEND=")).findFirst().orElseThrow();
        String bench = Files.readString(Path.of("bench/lib.sh"));
        String memory = bench.lines().filter(l -> l.startsWith("IMAGE_MEMORY_OPTS=")).findFirst().orElseThrow()
                .replaceFirst("^IMAGE_MEMORY_OPTS=\"(.*)\"$", "$1");
        for (String flag : memory.split(" ")) {
            assertTrue(appended.contains(" " + flag), "the image appends " + flag);
        }
        assertTrue(appended.contains("-Djdk.nio.maxCachedBufferSize="), "the image caps the JDK's cached direct buffers");
        assertTrue(lines.contains("ENV MALLOC_ARENA_MAX=2"));
        assertTrue(bench.contains("export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}"));
    }

    /** Instructions with their continuation lines joined; comments left out. */
    private static List<String> instructions(Path file) throws IOException {
        String text = String.join("\n", Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList());
        return List.of(text.replace("\\\n", " ").split("\n")).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> test) {
        for (int i = 0; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such instruction");
    }
}
