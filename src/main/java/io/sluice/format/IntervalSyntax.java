package io.sluice.format;

import java.util.Locale;
import java.util.Set;

/**
 * Recognizes the interval spellings PostgreSQL accepts, so that a bad interval is a row error here
 * rather than a failed INSERT of a whole batch there: ISO 8601 with designators
 * ({@code P1Y2M3DT4H5M6.5S}) and PostgreSQL's own format ({@code @ 1 year 2 mons -3 days 04:05:06 ago},
 * {@code 1-2} years-months, {@code 3 04:05:06} days and time, a bare number of seconds). The value is
 * loaded as text and PostgreSQL does the arithmetic; a few exotic spellings it accepts are refused.
 */
final class IntervalSyntax {
    private static final int MAX_LENGTH = 200;
    private static final Set<String> UNITS = Set.of(
            "microsecond", "microseconds", "us", "usec", "usecs", "useconds",
            "millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds",
            "second", "seconds", "s", "sec", "secs",
            "minute", "minutes", "m", "min", "mins",
            "hour", "hours", "h", "hr", "hrs",
            "day", "days", "d",
            "week", "weeks", "w",
            "month", "months", "mon", "mons",
            "year", "years", "y", "yr", "yrs",
            "decade", "decades", "dec", "decs",
            "century", "centuries", "c", "cent",
            "millennium", "millennia", "mil", "mils");

    private IntervalSyntax() {
    }

    static boolean isInterval(String text) {
        String s = Conversions.trim(text);
        if (s.isEmpty() || s.length() > MAX_LENGTH) {
            return false;
        }
        char first = s.charAt(0);
        if (first == 'P' || first == 'p') {
            return isIso(s);
        }
        return isPostgres(s.toLowerCase(Locale.ROOT));
    }

    /** {@code P[nY][nM][nW][nD][T[nH][nM][nS]]} with at least one part; numbers may be signed or fractional. */
    private static boolean isIso(String s) {
        String upper = s.toUpperCase(Locale.ROOT);
        int time = upper.indexOf('T');
        String datePart = time < 0 ? upper.substring(1) : upper.substring(1, time);
        String timePart = time < 0 ? null : upper.substring(time + 1);
        if (timePart != null && timePart.isEmpty()) {
            return false;
        }
        return isDesignated(datePart, "YMWD") && (timePart == null || isDesignated(timePart, "HMS"))
                && !(datePart.isEmpty() && timePart == null);
    }

    /** Numbers each followed by one of {@code designators}, in their order, each at most once. */
    private static boolean isDesignated(String s, String designators) {
        int i = 0;
        int next = 0;
        while (i < s.length()) {
            int end = numberEnd(s, i);
            if (end == i || end == s.length()) {
                return false;
            }
            int designator = designators.indexOf(s.charAt(end), next);
            if (designator < 0) {
                return false;
            }
            next = designator + 1;
            i = end + 1;
        }
        return true;
    }

    private static boolean isPostgres(String s) {
        String[] tokens = s.split("[ \t]+");
        int i = 0;
        int end = tokens.length;
        if (tokens[i].equals("@")) {
            i++;
        }
        if (end > i && tokens[end - 1].equals("ago")) {
            end--;
        }
        if (i == end) {
            return false;
        }
        boolean afterBareNumber = false;
        for (; i < end; i++) {
            String token = tokens[i];
            if (isTime(token) || isYearMonth(token)) {
                afterBareNumber = false;
                continue;
            }
            int numberEnd = numberEnd(token, 0);
            if (numberEnd == 0) {
                if (!afterBareNumber || !UNITS.contains(token)) {
                    return false;
                }
                afterBareNumber = false;
            } else if (numberEnd < token.length()) {
                if (afterBareNumber || !UNITS.contains(token.substring(numberEnd))) {
                    return false;
                }
            } else {
                if (afterBareNumber) {
                    return false;
                }
                afterBareNumber = true;
            }
        }
        return true;
    }

    /** {@code [+-]H+:MM[:SS[.f+]]}. */
    private static boolean isTime(String token) {
        int i = token.startsWith("-") || token.startsWith("+") ? 1 : 0;
        int hours = digitsEnd(token, i);
        if (hours == i || hours == token.length() || token.charAt(hours) != ':') {
            return false;
        }
        int minutes = digitsEnd(token, hours + 1);
        if (minutes - hours - 1 != 2) {
            return false;
        }
        if (minutes == token.length()) {
            return true;
        }
        if (token.charAt(minutes) != ':') {
            return false;
        }
        int seconds = digitsEnd(token, minutes + 1);
        if (seconds - minutes - 1 != 2) {
            return false;
        }
        if (seconds < token.length() && token.charAt(seconds) == '.') {
            int fraction = digitsEnd(token, seconds + 1);
            return fraction > seconds + 1 && fraction == token.length();
        }
        return seconds == token.length();
    }

    /** SQL-standard {@code [+-]Y-M}. */
    private static boolean isYearMonth(String token) {
        int i = token.startsWith("-") || token.startsWith("+") ? 1 : 0;
        int years = digitsEnd(token, i);
        if (years == i || years == token.length() || token.charAt(years) != '-') {
            return false;
        }
        int months = digitsEnd(token, years + 1);
        return months > years + 1 && months == token.length();
    }

    /** End of {@code [+-]digits[.digits]} starting at {@code from}, or {@code from} if there is none. */
    private static int numberEnd(String s, int from) {
        int i = from;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int digitsStart = i;
        i = digitsEnd(s, i);
        boolean digits = i > digitsStart;
        if (i < s.length() && s.charAt(i) == '.') {
            int fractionStart = i + 1;
            int fractionEnd = digitsEnd(s, fractionStart);
            digits |= fractionEnd > fractionStart;
            i = fractionEnd;
        }
        return digits ? i : from;
    }

    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && DateTimes.isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
