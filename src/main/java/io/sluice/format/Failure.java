package io.sluice.format;

/** A rejected value: what conversions and rules return instead of a value. */
record Failure(String message) {

    static final Failure EXPECTED_INTEGER = new Failure("Expected integer");
    static final Failure EXPECTED_NUMBER = new Failure("Expected number");
    static final Failure EXPECTED_BOOLEAN = new Failure("Expected boolean");
    static final Failure EXPECTED_DATE = new Failure("Expected date (yyyy-MM-dd)");
    static final Failure EXPECTED_TIME = new Failure("Expected time (HH:mm:ss)");
    static final Failure EXPECTED_TIMESTAMP = new Failure("Expected timestamp (yyyy-MM-dd HH:mm:ss)");
    static final Failure EXPECTED_UUID = new Failure("Expected UUID");
    static final Failure EXPECTED_INTERVAL = new Failure("Expected interval");
    static final Failure INVALID_JSON = new Failure("Invalid JSON");
    static final Failure INVALID_BYTEA = new Failure("Invalid bytea (expected \\x followed by hex digits)");
    static final Failure NUL_CHARACTER = new Failure("Value contains a NUL character");
    static final Failure MISSING = new Failure("Required value is missing");
}
