package io.sluice.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import io.restassured.RestAssured;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}, built by {@code package}
 * before failsafe runs the ITs) in a child JVM on 127.0.0.1, a free port and its own data directory,
 * with a known bootstrap admin key. Its output goes to a log file, printed when a test fails.
 */
public final class PackagedSluice implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final Process process;
    private final String baseUri;
    private final Path log;

    private PackagedSluice(Process process, String baseUri, Path log) {
        this.process = process;
        this.baseUri = baseUri;
        this.log = log;
    }

    /** Starts the application with this bootstrap key and extra environment, and waits until it is ready. */
    public static PackagedSluice start(Path workDir, String adminKey, Map<String, String> extraEnv) throws IOException {
        return start(workDir, "sluice.log", adminKey, extraEnv);
    }

    /** As {@link #start(Path, String, Map)}, logging to {@code logName} in the work directory (several processes, one directory). */
    public static PackagedSluice start(Path workDir, String logName, String adminKey, Map<String, String> extraEnv)
            throws IOException {
        return start(workDir, logName, adminKey, extraEnv, List.of());
    }

    /** As {@link #start(Path, String, String, Map)}, with more options for the JVM. */
    public static PackagedSluice start(Path workDir, String logName, String adminKey, Map<String, String> extraEnv,
            List<String> jvmOptions) throws IOException {
        Path jar = Path.of(System.getProperty("sluice.it.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify (which packages before the ITs)");
        }
        int port = freePort();
        Path log = workDir.resolve(logName);
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("SLUICE_DATA_DIR", workDir.resolve("data").toString());
        env.put("SLUICE_AUTH_BOOTSTRAP_KEY", adminKey);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.putAll(extraEnv);
        PackagedSluice sluice = new PackagedSluice(builder.start(), "http://127.0.0.1:" + port, log);
        sluice.awaitReady();
        return sluice;
    }

    public String baseUri() {
        return baseUri;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown at all, as when a node or container dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the killed process did not exit");
        }
    }

    /** Sends a signal by name ({@code STOP} freezes the process as a long GC pause or a VM freeze would, {@code CONT} thaws it). */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    public Path log() {
        return log;
    }

    private void awaitReady() {
        try {
            Awaitility.await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Sluice exited with " + process.exitValue());
                        }
                        return RestAssured.given().baseUri(baseUri).get("/q/health/ready").statusCode() == 200;
                    });
        } catch (RuntimeException e) {
            printLog();
            throw e;
        }
    }

    /** The log lines at ERROR level (plain or JSON log format). */
    public List<String> errorLines() throws IOException {
        return Files.readAllLines(log).stream()
                .filter(l -> l.contains(" ERROR ") || l.contains("\"level\":\"ERROR\"")).toList();
    }

    /** The last 80 lines of the log, stack frames left out. */
    public void printLog() {
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.startsWith("\tat ")).toList();
            System.err.println("---- " + log + " (last 80 lines, without stack frames)");
            lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.err::println);
        } catch (IOException e) {
            System.err.println("No log at " + log);
        }
    }

    /** An orderly stop (SIGTERM), else kill -9; the embedded PostgreSQL stops with it. */
    @Override
    public void close() {
        close(Duration.ofSeconds(40));
    }

    /** {@link #close()}, waiting at most {@code orderly} for the orderly stop. */
    public void close(Duration orderly) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(orderly.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
