package io.sluice.format;

import java.io.IOException;

/** The source file cannot be read as the expected format at all (as opposed to a bad row). */
public class FormatException extends IOException {

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
