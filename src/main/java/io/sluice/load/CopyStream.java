package io.sluice.load;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import io.sluice.pipeline.program.PgType;

/**
 * One COPY kept open on a connection across batches, e.g. the files of one transaction: each COPY
 * statement costs PostgreSQL a few milliseconds of its own (measured 100 COPYs of 10,000 rows against
 * one of 1,000,000, server-side, in one transaction: ~2 ms each), which a sync of many small files
 * pays per file otherwise. Batches for another target or column list end the open COPY and start
 * theirs. BLOCKING, and nothing else may run on the connection while a COPY is open: {@link #end}
 * it first. A failure PostgreSQL finds in the rows (a constraint, say) may surface only at the end.
 */
public final class CopyStream {
    private static final Pattern LINE = Pattern.compile("^COPY [^\\n]*?, line (\\d+)");
    private final Connection c;
    private CopyIn in;
    private String sql;
    private CopyEncoder encoder;
    /** Rows in the open COPY, and where each batch's first one is in it (PostgreSQL's "line" of a COPY error). */
    private long rows;
    private final List<Source> sources = new ArrayList<>();

    private record Source(long firstLine, String name) {
    }

    public CopyStream(Connection c) {
        this.c = c;
    }

    /**
     * Appends the first {@code size} rows of {@code columns} to {@code qualifiedTarget (columns)}, as
     * {@link CopyLoad#append}. {@code source} (e.g. the file the rows come from) is named in the error of a
     * row PostgreSQL refuses, which may come while a later batch is sent.
     */
    public void append(String source, String qualifiedTarget, List<String> quotedColumnNames, List<PgType.Kind> kinds,
            Object[][] columns, int size) throws SQLException {
        CopyLoad.checkNames(quotedColumnNames, kinds);
        if (size == 0) {
            return;
        }
        copy(source, statement(qualifiedTarget, quotedColumnNames), kinds, columns,
                size, false);
    }

    /**
     * Appends every row of {@code file} to {@code qualifiedTarget (columns)}, encoded from its columns
     * straight into binary COPY rows, each followed by {@code segment} and its row number
     * ({@code firstRow} + 1, ...) unless {@code segment} is null (then the column list ends with the
     * table's own columns); {@code checkStop} runs now and then and may throw to stop. Returns the rows.
     *
     * @throws ParquetCopy.Rejected for a row the row reader would reject (the COPY is given up)
     */
    public long append(String source, String qualifiedTarget, List<String> quotedColumnNames, List<PgType.Kind> kinds,
            ParquetCopy file, Long segment, long firstRow, Runnable checkStop) throws SQLException, IOException {
        CopyLoad.checkNames(quotedColumnNames, kinds);
        PgType.Kind[] kindArray = kinds.toArray(PgType.Kind[]::new);
        String statement = statement(qualifiedTarget, quotedColumnNames);
        try {
            if (!(openFor(statement, kindArray, source) instanceof CopyBinaryEncoder binary)) {
                throw new IllegalArgumentException("Parquet rows are written in COPY's binary format only, not for " + kinds);
            }
            long written = file.writeTo(binary, segment, firstRow, checkStop);
            rows += written;
            in.flushCopy();
            return written;
        } catch (SQLException e) {
            SQLException named = named(e);
            cancel(named);
            throw named;
        } catch (IOException | RuntimeException e) {
            cancel(e);
            throw e;
        }
    }

    /**
     * Rows for {@code statement} (a COPY ... FROM STDIN without options: the encoding's are added), continuing
     * its open COPY; {@code source}, if not null, is named in an error about them.
     */
    void copy(String source, String statement, List<PgType.Kind> kinds, Object[][] columns, int size, boolean withOrdinal)
            throws SQLException {
        PgType.Kind[] kindArray = kinds.toArray(PgType.Kind[]::new);
        CopyEncoder.check(kindArray, columns, size);
        try {
            openFor(statement, kindArray, source).rows(columns, size, withOrdinal);
            rows += size;
            in.flushCopy(); // PostgreSQL takes these rows while the next batch is read
        } catch (SQLException e) {
            SQLException named = named(e);
            cancel(named);
            throw named;
        } catch (RuntimeException e) {
            cancel(e);
            throw e;
        }
    }

    /**
     * The encoder of the open COPY of {@code statement} (its options added), which this starts unless
     * it is the open one (another one ends first); the rows that follow are {@code source}'s.
     */
    private CopyEncoder openFor(String statement, PgType.Kind[] kinds, String source) throws SQLException {
        String withOptions = statement + CopyEncoder.options(kinds);
        if (in != null && !withOptions.equals(sql)) {
            end();
        }
        if (in == null) {
            in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(withOptions);
            sql = withOptions;
            encoder = CopyEncoder.forKinds(kinds, in::writeToCopy);
            encoder.begin();
        }
        if (source != null) {
            sources.add(new Source(rows + 1, source));
        }
        return encoder;
    }

    /** {@code COPY target (columns) FROM STDIN}, the statement of an append. */
    static String statement(String qualifiedTarget, List<String> quotedColumnNames) {
        return "COPY " + qualifiedTarget + " (" + String.join(", ", quotedColumnNames) + ") FROM STDIN";
    }

    /** Whether a COPY is open (nothing else may run on the connection). */
    public boolean open() {
        return in != null;
    }

    /** Ends the open COPY, if any; returns the rows PostgreSQL copied in it (0 with none open). */
    public long end() throws SQLException {
        if (in == null) {
            return 0;
        }
        try {
            encoder.end();
            return in.endCopy();
        } catch (SQLException e) {
            SQLException named = named(e);
            cancel(named);
            throw named;
        } catch (RuntimeException e) {
            cancel(e);
            throw e;
        } finally {
            forget();
        }
    }

    /** PostgreSQL's error about a row of the COPY, with the source of the batch that row was in. */
    private SQLException named(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        Matcher line = server == null || server.getWhere() == null ? null : LINE.matcher(server.getWhere());
        if (line == null || !line.find()) {
            return e;
        }
        long at = Long.parseLong(line.group(1));
        String source = null;
        for (Source s : sources) {
            if (s.firstLine() <= at) {
                source = s.name();
            }
        }
        return source == null ? e : new SQLException("Loading " + source + ": " + e.getMessage(), e.getSQLState(), e);
    }

    /** Gives up the open COPY, if any, so that the connection can roll back (its transaction fails). */
    public void abandon() {
        if (in != null) {
            cancel(new SQLException("COPY abandoned"));
        }
    }

    /** Gives up the open COPY, if any; a failure to do so is added to {@code cause}. */
    private void cancel(Exception cause) {
        CopyIn open = in;
        forget();
        if (open == null || !open.isActive()) {
            return;
        }
        try {
            open.cancelCopy();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void forget() {
        in = null;
        encoder = null;
        sql = null;
        rows = 0;
        sources.clear();
    }
}
