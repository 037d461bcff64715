package io.sluice.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import io.sluice.pipeline.program.PgType;

/**
 * JSON Lines rows: one JSON object per non-blank line, its keys matched to columns by name. Scalars
 * convert to the column's type; objects and arrays are accepted by jsonb columns only, as JSON text.
 */
final class JsonlRowReader extends AssemblingReader {
    static final int MAX_LINE_BYTES = 8 * 1024 * 1024;
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /** Bytes of a bad line decoded for its error report (the report keeps 200 characters). */
    private static final int PREVIEW_BYTES = 800;

    private final ByteLines lines;
    private final ColumnIndex columns;
    private final PgType[] types;
    private final long skipRows;

    JsonlRowReader(InputStream in, RowAssembler rows, long skipRows) {
        super(rows);
        this.lines = new ByteLines(in, MAX_LINE_BYTES);
        this.columns = new ColumnIndex(rows.table().columns());
        this.types = rows.table().columns().stream().map(c -> c.type()).toArray(PgType[]::new);
        this.skipRows = skipRows;
    }

    @Override
    protected boolean readRow() throws IOException {
        while (lines.next()) {
            if (lines.isBlank() || ++consumed <= skipRows) {
                continue;
            }
            rows.begin(consumed);
            if (lines.tooLong()) {
                rows.rowError(null, "Line longer than " + MAX_LINE_BYTES + " bytes");
            } else {
                readObject();
            }
            rows.end();
            return true;
        }
        return false;
    }

    private void readObject() throws IOException {
        try (JsonParser parser = JSON.createParser(lines.bytes(), lines.start(), lines.length())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                rows.rowError(preview(), "Expected a JSON object");
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                int column = columns.indexOf(parser.currentName());
                JsonToken token = parser.nextToken();
                if (column < 0) {
                    parser.skipChildren();
                } else {
                    readValue(parser, token, column);
                }
            }
            if (parser.nextToken() != null) {
                rows.rowError(preview(), "Expected one JSON object per line");
            }
        } catch (JsonProcessingException e) {
            rows.rowError(preview(), "Malformed JSON: " + e.getOriginalMessage());
        }
    }

    private void readValue(JsonParser parser, JsonToken token, int column) throws IOException {
        if (types[column].kind() == PgType.Kind.JSONB) {
            rows.text(column, token == JsonToken.VALUE_NULL ? null : rawValue(parser));
            return;
        }
        if (token == JsonToken.VALUE_NUMBER_INT && integral(types[column].kind())
                && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            rows.value(column, parser.getLongValue()); // converted as the same digits' text would be, without the text
            return;
        }
        switch (token) {
            case VALUE_NULL -> rows.text(column, null);
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> rows.text(column, parser.getText());
            default -> {
                parser.skipChildren();
                rows.reject(column, null, new Failure("Expected " + types[column].sql() + ", found a JSON "
                        + (token == JsonToken.START_ARRAY ? "array" : "object")));
            }
        }
    }

    private static boolean integral(PgType.Kind kind) {
        return kind == PgType.Kind.BIGINT || kind == PgType.Kind.INTEGER || kind == PgType.Kind.SMALLINT;
    }

    /**
     * The current value's JSON text exactly as in the line (numbers keep every digit, which a copy
     * through Jackson's generator would not). Parser byte offsets count from the line's start.
     */
    private String rawValue(JsonParser parser) throws IOException {
        int from = (int) parser.currentTokenLocation().getByteOffset();
        parser.finishToken();
        parser.skipChildren();
        int to = (int) parser.currentLocation().getByteOffset();
        return new String(lines.bytes(), lines.start() + from, to - from, StandardCharsets.UTF_8);
    }

    private String preview() {
        return new String(lines.bytes(), lines.start(), Math.min(lines.length(), PREVIEW_BYTES), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
