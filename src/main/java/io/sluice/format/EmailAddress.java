package io.sluice.format;

/**
 * A practical e-mail address check without a regex (a regex halves CSV throughput): a local part of
 * 1–64 characters without leading, trailing or doubled dots, one {@code @}, and a domain of at least
 * two dot-separated labels of letters, digits and inner hyphens, the last one not all digits.
 * Non-ASCII letters are allowed on both sides (internationalized addresses); spaces, quotes,
 * brackets and control characters are not.
 */
final class EmailAddress {
    private static final int MAX_LOCAL = 64;
    private static final int MAX_TOTAL = 254;
    private static final int MAX_LABEL = 63;
    private static final String LOCAL_SPECIALS = "!#$%&'*+/=?^_`{|}~-";
    /** ASCII characters allowed in a local part (besides dots) and in a domain label. */
    private static final boolean[] LOCAL = new boolean[128];
    private static final boolean[] DOMAIN = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            LOCAL[c] = alphanumeric || LOCAL_SPECIALS.indexOf(c) >= 0;
            DOMAIN[c] = alphanumeric || c == '-';
        }
    }

    private EmailAddress() {
    }

    static boolean isValid(String s) {
        int at = s.indexOf('@');
        if (at < 1 || at > MAX_LOCAL || s.length() > MAX_TOTAL || at == s.length() - 1) {
            return false;
        }
        return isLocalPart(s, 0, at) && isDomain(s, at + 1, s.length());
    }

    private static boolean isLocalPart(String s, int from, int to) {
        char previous = '.';
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (previous == '.') {
                    return false;
                }
            } else if (c < 128 ? !LOCAL[c] : !Character.isLetterOrDigit(c)) {
                return false;
            }
            previous = c;
        }
        return previous != '.';
    }

    private static boolean isDomain(String s, int from, int to) {
        int labels = 0;
        int labelStart = from;
        boolean lastLabelDigitsOnly = true;
        for (int i = from; i <= to; i++) {
            char c = i < to ? s.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labels++;
                labelStart = i + 1;
                if (i < to) {
                    lastLabelDigitsOnly = true;
                }
            } else if (c < 128 ? DOMAIN[c] : Character.isLetterOrDigit(c)) {
                if (!DateTimes.isDigit(c)) {
                    lastLabelDigitsOnly = false;
                }
            } else {
                return false;
            }
        }
        return labels >= 2 && !lastLabelDigitsOnly;
    }
}
