package io.sluice.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A start on an existing schema (every restart) migrates nothing and logs no WARN line. */
@QuarkusTest
class RestartLogsNoWarningTest {
    @Inject
    SchemaMigrator migrator;

    @Test
    void migratingAnUpToDateSchemaLogsNoWarning() {
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            migrator.onStart(null);
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), warnings);
    }
}
