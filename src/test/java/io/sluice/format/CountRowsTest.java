package io.sluice.format;

import static io.sluice.format.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.spec.SourceFormat;

class CountRowsTest {

    @Test
    void csvCountsRecordsNotLinesAndLeavesOutTheHeader() {
        String text = "id,note\n1,\"two\nlines\"\n2,\"a,b\"\r\n\n3,\"\"\"quoted\"\"\r\nstill\"\n";
        assertEquals(3, Formats.countRows(SourceFormat.CSV, Map.of(), utf8(text)));
        assertEquals(4, Formats.countRows(SourceFormat.CSV, Map.of("header", false), utf8(text)));
    }

    @Test
    void csvCountsMalformedRecordsAsTheReaderDoes() {
        String text = "id,note\n1,\"open\n2,b\n3,\"x\"y\n4,d";
        assertEquals(4, Formats.countRows(SourceFormat.CSV, Map.of(), utf8(text)));
    }

    @Test
    void csvWithOtherDelimiterAndQuote() {
        String text = "a|b\n1|'x|\ny'\n";
        assertEquals(1, Formats.countRows(SourceFormat.CSV, Map.of("delimiter", "|", "quote", "'"), utf8(text)));
    }

    @Test
    void emptyInputs() {
        assertEquals(0, Formats.countRows(SourceFormat.CSV, Map.of(), utf8("")));
        assertEquals(0, Formats.countRows(SourceFormat.CSV, Map.of(), utf8("id\n")));
        assertEquals(0, Formats.countRows(SourceFormat.JSONL, Map.of(), utf8("\n \n")));
    }

    @Test
    void jsonlCountsNonBlankLines() {
        assertEquals(3, Formats.countRows(SourceFormat.JSONL, Map.of(), utf8("{\"a\":1}\n\n  \r\n{\"a\":2}\r\nnot json\n")));
        assertEquals(2, Formats.countRows(SourceFormat.JSONL, Map.of(), utf8("{}\n{}")));
    }
}
