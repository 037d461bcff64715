package io.sluice.run;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.support.Api;

/**
 * {@link SourceRunsContract} over a local directory, for JSON lines and Parquet files ({@link RunsTest}
 * covers local CSV).
 */
@QuarkusTest
class LocalSourceRunsTest extends SourceRunsContract {
    @TempDir
    Path root;

    @Override
    List<String> formats() {
        return List.of("jsonl", "parquet");
    }

    @Override
    Source source() {
        return new Source(Api.localConnector(root), (path, content) -> RunApi.write(root, path, content), root::resolve);
    }
}
