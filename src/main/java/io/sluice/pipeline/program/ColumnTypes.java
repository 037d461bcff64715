package io.sluice.pipeline.program;

import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.BOOLEAN;
import static io.sluice.pipeline.program.PgType.Kind.BYTEA;
import static io.sluice.pipeline.program.PgType.Kind.CHAR;
import static io.sluice.pipeline.program.PgType.Kind.DATE;
import static io.sluice.pipeline.program.PgType.Kind.DOUBLE;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.INTERVAL;
import static io.sluice.pipeline.program.PgType.Kind.JSONB;
import static io.sluice.pipeline.program.PgType.Kind.NUMERIC;
import static io.sluice.pipeline.program.PgType.Kind.REAL;
import static io.sluice.pipeline.program.PgType.Kind.SMALLINT;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.program.PgType.Kind.TIME;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMP;
import static io.sluice.pipeline.program.PgType.Kind.TIMESTAMPTZ;
import static io.sluice.pipeline.program.PgType.Kind.UUID;
import static io.sluice.pipeline.program.PgType.Kind.VARCHAR;
import static java.util.Map.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/** Maps a declared SQL type, with its synonyms, to the PostgreSQL type Sluice creates. */
final class ColumnTypes {

    private static final Map<String, PgType.Kind> NAMES = Map.ofEntries(
            entry("bigint", BIGINT), entry("int8", BIGINT),
            entry("int", INTEGER), entry("integer", INTEGER), entry("int4", INTEGER),
            entry("smallint", SMALLINT), entry("int2", SMALLINT), entry("tinyint", SMALLINT),
            entry("boolean", BOOLEAN), entry("bool", BOOLEAN),
            entry("real", REAL), entry("float4", REAL),
            entry("double", DOUBLE), entry("double precision", DOUBLE), entry("float8", DOUBLE), entry("float", DOUBLE),
            entry("decimal", NUMERIC), entry("numeric", NUMERIC),
            entry("varchar", VARCHAR), entry("character varying", VARCHAR),
            entry("text", TEXT), entry("string", TEXT),
            entry("char", CHAR), entry("character", CHAR),
            entry("date", DATE),
            entry("time", TIME), entry("time without time zone", TIME),
            entry("timestamp", TIMESTAMP), entry("timestamp without time zone", TIMESTAMP),
            entry("timestamptz", TIMESTAMPTZ), entry("timestamp with time zone", TIMESTAMPTZ),
            entry("uuid", UUID),
            entry("json", JSONB), entry("jsonb", JSONB), entry("variant", JSONB),
            entry("bytea", BYTEA), entry("binary", BYTEA), entry("varbinary", BYTEA),
            entry("interval", INTERVAL));

    static final String SUPPORTED = "BIGINT, INTEGER, SMALLINT, BOOLEAN, REAL, DOUBLE PRECISION, NUMERIC(p,s), TEXT,"
            + " VARCHAR(n), CHAR(n), DATE, TIME, TIMESTAMP, TIMESTAMP WITH TIME ZONE, UUID, JSONB, BYTEA, INTERVAL"
            + " and their usual synonyms";

    /** "numeric (10, 2)", "timestamp(3) with time zone": the modifiers sit inside the type's text. */
    private static final Pattern MODIFIERS = Pattern.compile("\\s*\\(([^()]*)\\)\\s*");

    private static final int MAX_NUMERIC_PRECISION = 1000;
    private static final int MAX_CHARACTER_LENGTH = 10_485_760;
    private static final int MAX_SECONDS_PRECISION = 6;

    private ColumnTypes() {
    }

    static PgType resolve(ColDataType declared, String column, SourceSpan span) {
        String text = declared.toString();
        if (declared.getArrayData() != null && !declared.getArrayData().isEmpty()) {
            throw new CompileError("column \"" + column + "\": array types are not supported", span);
        }
        // JSqlParser keeps array brackets, UNSIGNED, CHARACTER SET, interval fields and the like outside
        // getDataType(); any of them makes the type something Sluice cannot represent faithfully.
        if (declared.getArgumentsStringList() != null || !text.equals(declared.getDataType())) {
            throw unsupported(column, text, span);
        }
        String normalized = text.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
        Matcher modifiers = MODIFIERS.matcher(normalized);
        List<Integer> arguments = List.of();
        String name = normalized;
        if (modifiers.find()) {
            arguments = integers(modifiers.group(1), column, text, span);
            name = (normalized.substring(0, modifiers.start()) + " " + normalized.substring(modifiers.end())).strip();
        }
        PgType.Kind kind = NAMES.get(name);
        if (kind == null) {
            throw unsupported(column, text, span);
        }
        return withArguments(kind, arguments, new Declared(column, text, span));
    }

    private static PgType withArguments(PgType.Kind kind, List<Integer> arguments, Declared declared) {
        if (arguments.isEmpty()) {
            return switch (kind) {
                case VARCHAR -> PgType.of(TEXT); // an unbounded VARCHAR is text in all but name
                case CHAR -> PgType.withLength(CHAR, 1); // PostgreSQL's default length for CHAR
                default -> PgType.of(kind);
            };
        }
        return switch (kind) {
            case NUMERIC -> numeric(arguments, declared);
            case VARCHAR, CHAR -> PgType.withLength(kind,
                    single(arguments, declared, 1, MAX_CHARACTER_LENGTH, "length"));
            case TIME, TIMESTAMP, TIMESTAMPTZ -> PgType.withSecondsPrecision(kind,
                    single(arguments, declared, 0, MAX_SECONDS_PRECISION, "precision"));
            default -> throw declared.error("type takes no length or precision");
        };
    }

    private static PgType numeric(List<Integer> arguments, Declared declared) {
        if (arguments.size() > 2) {
            throw declared.error("NUMERIC takes a precision and an optional scale");
        }
        int precision = arguments.get(0);
        int scale = arguments.size() == 2 ? arguments.get(1) : 0;
        if (precision < 1 || precision > MAX_NUMERIC_PRECISION) {
            throw declared.error("NUMERIC precision must be between 1 and " + MAX_NUMERIC_PRECISION);
        }
        if (scale > precision) {
            throw declared.error("NUMERIC scale must be between 0 and the precision " + precision);
        }
        return PgType.numeric(precision, scale);
    }

    private static int single(List<Integer> arguments, Declared declared, int min, int max, String what) {
        if (arguments.size() != 1) {
            throw declared.error("type takes a single " + what);
        }
        int value = arguments.get(0);
        if (value < min || value > max) {
            throw declared.error(what + " must be between " + min + " and " + max);
        }
        return value;
    }

    private static List<Integer> integers(String list, String column, String text, SourceSpan span) {
        List<Integer> values = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            String digits = item.strip();
            // Nine digits at most: every valid modifier fits, and parsing cannot overflow.
            if (!digits.matches("[0-9]{1,9}")) {
                throw new Declared(column, text, span).error("\"" + SourceText.abbreviate(digits, 40)
                        + "\" is not a valid length or precision");
            }
            values.add(Integer.parseInt(digits));
        }
        return values;
    }

    private static CompileError unsupported(String column, String text, SourceSpan span) {
        return new CompileError("column \"" + column + "\": type " + SourceText.abbreviate(text, 80)
                + " is not supported; supported types are " + SUPPORTED, span);
    }

    /** The column and type text every type error names. */
    private record Declared(String column, String text, SourceSpan span) {
        CompileError error(String reason) {
            return new CompileError("column \"" + column + "\": invalid type " + SourceText.abbreviate(text, 80) + ": "
                    + reason, span);
        }
    }
}
