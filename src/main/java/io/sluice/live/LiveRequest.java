package io.sluice.live;

import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sluice.api.SluiceException;

/**
 * What a client knows and how long it will wait: its {@code If-None-Match} ETags and its
 * {@code ?wait=} duration (e.g. {@code 30s}, {@code 500ms}, {@code 2m}, or ISO-8601 {@code PT30S}),
 * cut to the configured maximum.
 */
public record LiveRequest(String ifNoneMatch, Duration waitFor) {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    public static LiveRequest of(String ifNoneMatch, String wait, Duration maxWait) {
        return new LiveRequest(ifNoneMatch == null || ifNoneMatch.isBlank() ? null : ifNoneMatch, parseWait(wait, maxWait));
    }

    /** Whether the client asked to wait for a change of what it has (it has to say what it has). */
    public boolean waiting() {
        return waitFor != null && ifNoneMatch != null && !waitFor.isZero();
    }

    /** Whether the client has the representation of this ETag (weak comparison, RFC 9110 13.1.2). */
    public boolean has(String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = opaque(etag);
        return Arrays.stream(ifNoneMatch.split(",")).map(String::strip)
                .anyMatch(tag -> tag.equals("*") || opaque(tag).equals(opaque));
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    static Duration parseWait(String wait, Duration maxWait) {
        if (wait == null || wait.isBlank()) {
            return null;
        }
        Duration d;
        Matcher m = SHORT.matcher(wait.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            };
        } else {
            try {
                d = Duration.parse(wait.strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw SluiceException.invalidField("wait", "wait must be a duration such as 30s, 500ms, 2m or PT30S, not '" + wait + "'");
            }
            if (d.isNegative()) {
                throw SluiceException.invalidField("wait", "wait must not be negative");
            }
        }
        return d.compareTo(maxWait) > 0 ? maxWait : d;
    }
}
