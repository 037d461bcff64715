package io.sluice.external;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Apache Spark in local mode as a child process, the tests' second Iceberg writer: lakes are mostly
 * written by Spark, whose DELETE, UPDATE, MERGE INTO and compaction write files and snapshots the way
 * Sluice meets them in production. Spark runs on its own classpath (src/test/spark/pom.xml, resolved
 * through the Maven wrapper on first use), so none of its dependencies meets the service's.
 */
final class SparkSql implements AutoCloseable {
    private static final Path DIR = Path.of("src", "test", "spark").toAbsolutePath();
    private static final Path CLASSPATH = Path.of("target", "spark", "classpath.txt").toAbsolutePath();
    /** What Spark's own launcher opens for it on Java 17 (JavaModuleOptions). */
    private static final List<String> JAVA_OPTIONS = List.of("-Xmx768m", "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true");

    private final Process process;
    private final BufferedReader out;
    private final BufferedWriter in;
    private final Path log;

    /** Starts Spark with these settings ({@code spark.sql.catalog.<name>...}) and waits until its session is up. */
    SparkSql(Map<String, String> settings) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JAVA_OPTIONS);
        command.add("-cp");
        command.add(classpath());
        command.add(DIR.resolve("SparkSqlShell.java").toString());
        settings.forEach((k, v) -> command.add(k + "=" + v));
        log = Files.createTempFile("sluice-spark-", ".log");
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("@@READY")) {
            throw new IllegalStateException("Spark did not start (" + ready + "); its log: " + tail());
        }
    }

    /** Runs one statement (no line breaks) and returns its result rows, tab-separated values. */
    List<String> sql(String statement) throws IOException {
        if (statement.contains("\n")) {
            throw new IllegalArgumentException("one line per statement");
        }
        in.write(statement);
        in.newLine();
        in.flush();
        List<String> rows = new ArrayList<>();
        for (String line; (line = out.readLine()) != null;) {
            if (line.startsWith("@@ROW ")) {
                rows.add(line.substring(6));
            } else if (line.equals("@@OK")) {
                return rows;
            } else if (line.startsWith("@@ERROR ")) {
                throw new IllegalStateException("Spark refused " + statement + ": " + line.substring(8));
            }
        }
        throw new IllegalStateException("Spark ended during " + statement + "; its log: " + tail());
    }

    @Override
    public void close() throws Exception {
        in.close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(log);
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Spark's classpath, resolved once per checkout by the Maven wrapper (from the local repository when it holds it). */
    private static synchronized String classpath() throws IOException {
        Path pom = DIR.resolve("pom.xml");
        if (!Files.exists(CLASSPATH) || Files.getLastModifiedTime(CLASSPATH).compareTo(Files.getLastModifiedTime(pom)) < 0) {
            Path wrapper = Path.of("mvnw").toAbsolutePath();
            Process maven = new ProcessBuilder(wrapper.toString(), "-B", "-q", "-f", pom.toString(), "dependency:build-classpath",
                    "-Dmdep.outputFile=" + CLASSPATH).redirectErrorStream(true).start();
            String output = new String(maven.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (maven.waitFor() != 0) {
                    throw new IllegalStateException("cannot resolve Spark's classpath: " + output);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return Files.readString(CLASSPATH).trim();
    }
}
