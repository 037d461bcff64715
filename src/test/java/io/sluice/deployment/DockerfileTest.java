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
 * root, the data directory is a volume, and the image checks its health.
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
