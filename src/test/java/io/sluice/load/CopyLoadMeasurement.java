package io.sluice.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.sluice.db.EmbeddedPostgres;
import io.sluice.pipeline.program.PgType.Kind;

/**
 * Not a test (no assertions, not run by the suite): measures {@link CopyTextEncoder}'s rate and
 * {@link CopyLoad} against {@code psql \copy} of the same rows as CSV, into fresh index-less tables of
 * one embedded PostgreSQL (fsync off, as in the tests), and {@link CopyLoad#upsert} against psql's COPY into a
 * temporary table plus one {@code INSERT ... ON CONFLICT}, over a keyed table already holding the rows.
 * Run by {@code bench/copy-load.sh}.
 *
 * <p>Arguments: rows (default 1,000,000), repetitions (default 5), batch size (default 10,000), psql path,
 * and {@code encode-only} to measure the encoder alone.
 */
public final class CopyLoadMeasurement {
    private static final List<String> NAMES = List.of("\"id\"", "\"email\"", "\"city\"", "\"age\"", "\"created\"");
    private static final List<Kind> KINDS = List.of(Kind.BIGINT, Kind.TEXT, Kind.TEXT, Kind.INTEGER, Kind.TIMESTAMPTZ);
    private static final String TABLE = "(id bigint, email text, city text, age integer, created timestamptz)";

    private CopyLoadMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        String psql = args.length > 3 ? args[3] : "psql";
        Path work = Files.createTempDirectory("sluice-copy-bench");
        Object[][] columns = columns(rows);
        Path csv = work.resolve("rows.csv");
        writeCsv(columns, rows, csv);
        System.out.printf("rows %,d x 5 columns (bigint, text, text, int, timestamptz), CSV %,d bytes, batches of %,d, %d repetitions%n",
                rows, Files.size(csv), batchSize, reps);

        double[] encode = new double[reps];
        double[] encodeCpu = new double[reps];
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long bytes = 0;
        for (int warm = 0; warm < 2; warm++) {
            encodeOnce(columns, rows);
        }
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            long cpu0 = threads.getCurrentThreadCpuTime();
            bytes = encodeOnce(columns, rows);
            encode[r] = seconds(t0);
            encodeCpu[r] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        }
        System.out.printf("encode: %.3f s median (%s), %,.0f rows/s, %,d bytes of COPY text; CPU time of the thread %.3f s median (%s)%n",
                median(encode), list(encode), rows / median(encode), bytes, median(encodeCpu), list(encodeCpu));
        if (args.length > 4 && args[4].equals("encode-only")) {
            return;
        }

        EmbeddedPostgres server = EmbeddedPostgres.startOnce(work.resolve("data"), false, 0);
        String uri = server.reactiveUrl();
        try (Connection c = CopyConnections.open(CopyConnections.target(uri, Optional.empty(), Optional.empty(), Optional.empty()))) {
            System.out.println("server: PostgreSQL " + c.getMetaData().getDatabaseProductVersion());
            // warm the JIT and the server's caches with one untimed round of each
            copyLoad(c, columns, rows, rows, "warm_java");
            psqlCopy(psql, uri, csv, c, "warm_psql");
            double[] oneCopy = new double[reps];
            double[] batched = new double[reps];
            double[] viaPsql = new double[reps];
            for (int r = 0; r < reps; r++) {
                viaPsql[r] = psqlCopy(psql, uri, csv, c, "p" + r);
                oneCopy[r] = copyLoad(c, columns, rows, rows, "j" + r);
                batched[r] = copyLoad(c, columns, rows, batchSize, "b" + r);
            }
            double[] upsert = new double[reps];
            double[] upsertPsql = new double[reps];
            for (int r = 0; r < reps; r++) {
                upsertPsql[r] = psqlUpsert(psql, uri, csv, c, columns, rows, "up" + r);
                upsert[r] = copyUpsert(c, columns, rows, batchSize, "uj" + r);
            }
            double copy = median(viaPsql);
            System.out.printf("psql \\copy of the CSV:              %.3f s median (%s), %,.0f rows/s%n", copy, list(viaPsql), rows / copy);
            System.out.printf("CopyLoad.append, one COPY:          %.3f s median (%s), %,.0f rows/s, ratio to psql %.2f%n",
                    median(oneCopy), list(oneCopy), rows / median(oneCopy), copy / median(oneCopy));
            System.out.printf("CopyLoad.append, %,d-row batches: %.3f s median (%s), %,.0f rows/s, ratio to psql %.2f "
                    + "(one commit a batch)%n", batchSize, median(batched), list(batched), rows / median(batched), copy / median(batched));
            System.out.printf("psql \\copy to a temp table + INSERT ON CONFLICT, over existing rows: %.3f s median (%s)%n",
                    median(upsertPsql), list(upsertPsql));
            System.out.printf("CopyLoad.upsert, %,d-row batches, over existing rows:          %.3f s median (%s), ratio to psql %.2f%n",
                    batchSize, median(upsert), list(upsert), median(upsertPsql) / median(upsert));
        } finally {
            EmbeddedPostgres.stopRunning();
        }
    }

    private static long encodeOnce(Object[][] columns, int rows) throws SQLException {
        long[] sum = new long[1];
        CopyEncoder encoder = CopyEncoder.forKinds(KINDS.toArray(Kind[]::new), (b, off, len) -> sum[0] += len + b[off]);
        encoder.encode(columns, rows, false);
        return encoder.bytesWritten();
    }

    /** Fresh table, CHECKPOINT, then the rows in batches of {@code batchSize}, each committed. */
    private static double copyLoad(Connection c, Object[][] columns, int rows, int batchSize, String table) throws SQLException {
        String target = prepare(c, table);
        long t0 = System.nanoTime();
        Object[][] batch = new Object[columns.length][];
        for (int from = 0; from < rows; from += batchSize) {
            int size = Math.min(batchSize, rows - from);
            for (int col = 0; col < columns.length; col++) {
                batch[col] = from == 0 && size == rows ? columns[col] : Arrays.copyOfRange(columns[col], from, from + size);
            }
            CopyLoad.append(c, target, NAMES, KINDS, batch, size);
            c.commit();
        }
        return seconds(t0);
    }

    private static double psqlCopy(String psql, String uri, Path csv, Connection c, String table)
            throws SQLException, IOException, InterruptedException {
        String target = prepare(c, table);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c",
                "\\copy " + target + " FROM '" + csv + "' WITH (FORMAT csv)").inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed");
        }
        return seconds(t0);
    }

    /** A table with a primary key already holding the rows (loaded untimed), then the rows upserted over them. */
    private static double copyUpsert(Connection c, Object[][] columns, int rows, int batchSize, String table) throws SQLException {
        String target = prepareKeyed(c, columns, rows, table);
        long t0 = System.nanoTime();
        Object[][] batch = new Object[columns.length][];
        for (int from = 0; from < rows; from += batchSize) {
            int size = Math.min(batchSize, rows - from);
            for (int col = 0; col < columns.length; col++) {
                batch[col] = Arrays.copyOfRange(columns[col], from, from + size);
            }
            CopyLoad.upsert(c, target, NAMES, KINDS, List.of("\"id\""), batch, size, null);
            c.commit();
        }
        return seconds(t0);
    }

    private static double psqlUpsert(String psql, String uri, Path csv, Connection c, Object[][] columns, int rows, String table)
            throws SQLException, IOException, InterruptedException {
        String target = prepareKeyed(c, columns, rows, table);
        Path script = csv.resolveSibling("upsert.sql");
        Files.writeString(script, "CREATE TEMP TABLE stage (LIKE " + target + ");\n\\copy stage FROM '" + csv + "' WITH (FORMAT csv)\n"
                + "INSERT INTO " + target + " SELECT * FROM stage ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, "
                + "city = EXCLUDED.city, age = EXCLUDED.age, created = EXCLUDED.created;\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", uri, "-f", script.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed");
        }
        return seconds(t0);
    }

    private static String prepareKeyed(Connection c, Object[][] columns, int rows, String table) throws SQLException {
        String target = prepare(c, table);
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + target + " ADD PRIMARY KEY (id)");
        }
        CopyLoad.append(c, target, NAMES, KINDS, columns, rows);
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE " + target);
            s.execute("CHECKPOINT");
        }
        c.setAutoCommit(false);
        return target;
    }

    private static String prepare(Connection c, String table) throws SQLException {
        String target = "bench." + table;
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench; DROP TABLE IF EXISTS " + target + "; CREATE TABLE " + target + " " + TABLE);
        }
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
        c.setAutoCommit(false);
        return target;
    }

    private static Object[][] columns(int rows) {
        String[] cities = {"Zürich", "Lyon", "São Paulo", "Kraków", "Osaka", "New York", "Tab\tCity", "Back\\slash"};
        Long[] ids = new Long[rows];
        String[] emails = new String[rows];
        String[] city = new String[rows];
        Integer[] ages = new Integer[rows];
        OffsetDateTime[] created = new OffsetDateTime[rows];
        OffsetDateTime start = OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        for (int i = 0; i < rows; i++) {
            ids[i] = (long) i + 1;
            emails[i] = "user" + i + "@example.com";
            city[i] = cities[i % cities.length];
            ages[i] = i % 97 == 0 ? null : 18 + i % 70;
            created[i] = start.plusSeconds(i * 37L).plusNanos((i % 1000) * 1000L);
        }
        return new Object[][] {ids, emails, city, ages, created};
    }

    private static void writeCsv(Object[][] columns, int rows, Path csv) throws IOException {
        DateTimeFormatter iso = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                String city = (String) columns[2][i];
                out.write(columns[0][i] + "," + columns[1][i] + "," + (city.contains("\t") ? "\"" + city + "\"" : city) + ","
                        + (columns[3][i] == null ? "" : columns[3][i]) + "," + iso.format((OffsetDateTime) columns[4][i]) + "\n");
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String list(double[] values) {
        List<String> out = new ArrayList<>();
        for (double v : values) {
            out.add(String.format("%.3f", v));
        }
        return String.join(" ", out);
    }
}
