package io.sluice.format;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.sluice.pipeline.program.ColumnSpec;
import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.spec.ValidationRule;

/** A column's validation rules, compiled once per reader. */
final class ColumnRules {
    static final ColumnRules NONE = new ColumnRules(false, Failure.MISSING, List.of(), true);
    private static final Set<PgType.Kind> NUMERIC = EnumSet.of(PgType.Kind.BIGINT, PgType.Kind.INTEGER,
            PgType.Kind.SMALLINT, PgType.Kind.REAL, PgType.Kind.DOUBLE, PgType.Kind.NUMERIC);

    /** One rule on a present value: a failure, or null when the value passes. */
    private interface Check {
        Failure test(Object value, String text);
    }

    private final boolean required;
    private final Failure missing;
    private final Check[] checks;
    /** Every check decides by the value alone (ranges): the text is needed only to word a failure. */
    private final boolean valueOnly;

    private ColumnRules(boolean required, Failure missing, List<Check> checks, boolean valueOnly) {
        this.required = required;
        this.missing = missing;
        this.checks = checks.toArray(Check[]::new);
        this.valueOnly = valueOnly;
    }

    /**
     * @throws IllegalArgumentException for a rule that cannot work (bad regex, range without bounds or
     *                                  on a column that is not numeric)
     */
    static ColumnRules compile(ColumnSpec spec, List<ValidationRule> rules) {
        if (!spec.notNull() && (rules == null || rules.isEmpty())) {
            return NONE;
        }
        String column = spec.name();
        boolean required = spec.notNull();
        Failure missing = Failure.MISSING;
        List<Check> checks = new ArrayList<>();
        boolean valueOnly = true;
        for (ValidationRule rule : rules == null ? List.<ValidationRule>of() : rules) {
            Failure custom = rule.message() == null ? null : new Failure(rule.message());
            switch (rule.rule()) {
                case NOT_NULL -> {
                    required = true;
                    if (custom != null) {
                        missing = custom;
                    }
                }
                case EMAIL -> {
                    Failure failure = custom != null ? custom : new Failure("Invalid email format");
                    checks.add((value, text) -> EmailAddress.isValid(text) ? null : failure);
                }
                case REGEX -> checks.add(regex(column, rule, custom));
                case RANGE -> {
                    if (!NUMERIC.contains(spec.type().kind())) {
                        throw new IllegalArgumentException("validation of '" + column + "': a range rule needs a numeric column, not "
                                + spec.type().sql());
                    }
                    checks.add(range(column, rule, custom));
                    continue;
                }
                case ENUM -> checks.add(oneOf(column, rule, custom));
            }
            valueOnly = valueOnly && rule.rule() == ValidationRule.Kind.NOT_NULL;
        }
        return new ColumnRules(required, missing, checks, valueOnly);
    }

    /** The failure for a missing (NULL) value, or null when NULL is fine. */
    Failure missing() {
        return required ? missing : null;
    }

    /** The first rule the present value breaks, or null. {@code text} is its source text. */
    Failure check(Object value, String text) {
        for (Check check : checks) {
            Failure failure = check.test(value, text);
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    boolean hasChecks() {
        return checks.length > 0;
    }

    /** Whether a value passes every check, for checks that need no text ({@link #decidesByValue}). */
    boolean passes(Object value) {
        return check(value, "") == null; // a failure worded without the text is dropped: the caller words it
    }

    /** Whether every check decides by the value alone, so {@link #passes} may judge a value without its text. */
    boolean decidesByValue() {
        return valueOnly;
    }

    private static Check regex(String column, ValidationRule rule, Failure custom) {
        if (rule.pattern() == null) {
            throw new IllegalArgumentException("validation of '" + column + "': a regex rule needs a pattern");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(rule.pattern());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("validation of '" + column + "': invalid regex: " + e.getDescription(), e);
        }
        Failure failure = custom != null ? custom : new Failure("Does not match pattern " + rule.pattern());
        return (value, text) -> pattern.matcher(text).matches() ? null : failure;
    }

    private static Check range(String column, ValidationRule rule, Failure custom) {
        BigDecimal min = rule.min();
        BigDecimal max = rule.max();
        if (min == null && max == null) {
            throw new IllegalArgumentException("validation of '" + column + "': a range rule needs min or max");
        }
        String bounds = min != null && max != null ? "outside range [" + min.toPlainString() + ", " + max.toPlainString() + "]"
                : min != null ? "below minimum " + min.toPlainString() : "above maximum " + max.toPlainString();
        Long minLong = exactLong(min);
        Long maxLong = exactLong(max);
        return (value, text) -> {
            int low = min == null ? 1 : compare(value, min, minLong);
            int high = max == null ? -1 : compare(value, max, maxLong);
            if (low >= 0 && high <= 0) {
                return null;
            }
            return custom != null ? custom : new Failure("Value " + Conversions.trim(text) + " " + bounds);
        };
    }

    /** The bound as a long when it is an integer that fits, else null. */
    private static Long exactLong(BigDecimal bound) {
        if (bound == null) {
            return null;
        }
        try {
            return bound.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /**
     * value <=> bound, NaN above everything (as in PostgreSQL); values are numbers of the column's type
     * (the pipeline check allows range rules on numeric columns only).
     */
    private static int compare(Object value, BigDecimal bound, Long boundLong) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            long v = ((Number) value).longValue();
            return boundLong != null ? Long.compare(v, boundLong) : BigDecimal.valueOf(v).compareTo(bound);
        }
        if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            if (Double.isNaN(v)) {
                return 1;
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? 1 : -1;
            }
            return new BigDecimal(v).compareTo(bound);
        }
        return ((BigDecimal) value).compareTo(bound);
    }

    private static Check oneOf(String column, ValidationRule rule, Failure custom) {
        if (rule.values() == null || rule.values().isEmpty()) {
            throw new IllegalArgumentException("validation of '" + column + "': an enum rule needs values");
        }
        Set<String> allowed = new HashSet<>(rule.values());
        Failure failure = custom != null ? custom : new Failure("Not one of " + rule.values());
        return (value, text) -> allowed.contains(text) ? null : failure;
    }
}
