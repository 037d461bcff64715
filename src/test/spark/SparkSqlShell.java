import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The tests' second Iceberg writer: a local Spark session (Iceberg's SQL extensions on) running SQL
 * statements read from standard input, one per line. After each it prints {@code @@ROW <values>} per
 * result row, then {@code @@OK}, or {@code @@ERROR <message>}; Spark's own logging goes to standard
 * error. Arguments are Spark settings, {@code key=value} (the catalogs). Launched as a single source
 * file on the classpath pom.xml beside it resolves (src/test/java/io/sluice/external/SparkSql.java).
 */
public final class SparkSqlShell {
    private SparkSqlShell() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing but the protocol on standard output
        SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("sluice-test-writer")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.config(arg.substring(0, eq), arg.substring(eq + 1));
        }
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        protocol.println("@@READY " + spark.version());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null;) {
            if (line.isBlank()) {
                continue;
            }
            try {
                List<Row> rows = spark.sql(line).collectAsList();
                for (Row row : rows) {
                    protocol.println("@@ROW " + row.mkString("\t"));
                }
                protocol.println("@@OK");
            } catch (Exception e) {
                protocol.println("@@ERROR " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
        spark.stop();
    }
}
