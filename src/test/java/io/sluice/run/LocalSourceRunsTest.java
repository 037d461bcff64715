package io.sluice.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.support.Api;

/**
 * {@link SourceRunsContract} over a local directory, for JSON lines and Parquet files appended
 * ({@link RunsTest} covers local CSV; the strategies do not depend on the source, and
 * {@link S3SourceRunsTest} runs each of them for each format).
 */
@QuarkusTest
class LocalSourceRunsTest extends SourceRunsContract {
    private Path root;

    @Override
    List<String> formats() {
        return List.of("jsonl", "parquet");
    }

    @Override
    List<String> strategies() {
        return List.of("append");
    }

    @Override
    Source source() {
        try {
            root = Files.createTempDirectory("sluice-runs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Source(Api.localConnector(root), (path, content) -> RunApi.write(root, path, content), root::resolve);
    }

    @AfterAll
    void deleteFiles() {
        Api.deleteRecursively(root);
    }
}
