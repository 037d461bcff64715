import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Benchmark input: the rows of bench/lib.sh's gen_csv (id,email,age,city,created; a header, no quoted
 * fields) as one Parquet file, written by Iceberg's generic Parquet writer (a second writer, not
 * Sluice's code). Run with the source launcher on the test classpath (bench/load-csv.sh FORMAT=parquet).
 *
 * args: csvFile parquetFile
 */
public class CsvToParquet {
    static final Schema SCHEMA = new Schema(
            Types.NestedField.optional(1, "id", Types.LongType.get()),
            Types.NestedField.required(2, "email", Types.StringType.get()),
            Types.NestedField.optional(3, "age", Types.IntegerType.get()),
            Types.NestedField.optional(4, "city", Types.StringType.get()),
            Types.NestedField.optional(5, "created", Types.DateType.get()));

    public static void main(String[] args) throws IOException {
        long rows = 0;
        try (BufferedReader csv = Files.newBufferedReader(Path.of(args[0]));
                FileAppender<Record> out = Parquet.write(org.apache.iceberg.Files.localOutput(new File(args[1])))
                        .schema(SCHEMA).createWriterFunc(GenericParquetWriter::create).overwrite().build()) {
            csv.readLine(); // header
            GenericRecord r = GenericRecord.create(SCHEMA);
            for (String line; (line = csv.readLine()) != null; rows++) {
                String[] f = line.split(",", -1);
                r.setField("id", Long.parseLong(f[0]));
                r.setField("email", f[1]);
                r.setField("age", Integer.parseInt(f[2]));
                r.setField("city", f[3]);
                r.setField("created", LocalDate.parse(f[4]));
                out.add(r);
            }
        }
        System.out.println(rows);
    }
}
