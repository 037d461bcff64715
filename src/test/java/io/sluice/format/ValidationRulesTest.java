package io.sluice.format;

import static io.sluice.format.Fixtures.column;
import static io.sluice.format.Fixtures.csv;
import static io.sluice.format.Fixtures.required;
import static io.sluice.format.Fixtures.rule;
import static io.sluice.format.Fixtures.table;
import static io.sluice.format.Fixtures.values;
import static io.sluice.pipeline.program.PgType.Kind.BIGINT;
import static io.sluice.pipeline.program.PgType.Kind.DOUBLE;
import static io.sluice.pipeline.program.PgType.Kind.INTEGER;
import static io.sluice.pipeline.program.PgType.Kind.TEXT;
import static io.sluice.pipeline.spec.ValidationRule.Kind.EMAIL;
import static io.sluice.pipeline.spec.ValidationRule.Kind.NOT_NULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.program.PgType;
import io.sluice.pipeline.program.TableSpec;
import io.sluice.pipeline.spec.SourceFormat;
import io.sluice.pipeline.spec.ValidationRule;

class ValidationRulesTest {
    private static final TableSpec CUSTOMERS = table(required("id", BIGINT), column("email", TEXT), column("age", INTEGER),
            column("status", TEXT), column("code", TEXT), column("score", DOUBLE));

    private static ValidationRule range(String min, String max) {
        return new ValidationRule(ValidationRule.Kind.RANGE, null, min == null ? null : new BigDecimal(min),
                max == null ? null : new BigDecimal(max), null, null);
    }

    private static Fixtures.Result load(String text, Map<String, List<ValidationRule>> validation) {
        return csv(text, Map.of(), CUSTOMERS, validation, 0);
    }

    @Test
    void email() {
        var result = load("id,email\n1,ann@example.com\n2,not-an-email\n3,\n", Map.of("email", List.of(rule(EMAIL))));
        assertEquals(List.of(1L, 3L), result.rowNumbers(), "NULL passes every rule but not_null");
        assertEquals(List.of(new RowError(2, "email", "not-an-email", "Invalid email format")), result.errors());
    }

    @Test
    void range() {
        var result = load("id,age\n1,0\n2,150\n3,200\n4,-1\n", Map.of("age", List.of(range("0", "150"))));
        assertEquals(List.of(1L, 2L), result.rowNumbers());
        assertEquals(List.of(new RowError(3, "age", "200", "Value 200 outside range [0, 150]"),
                new RowError(4, "age", "-1", "Value -1 outside range [0, 150]")), result.errors());
    }

    @Test
    void openRangesAndFractionalBounds() {
        var min = load("id,score\n1,0.5\n2,0.49\n", Map.of("score", List.of(range("0.5", null))));
        assertEquals(List.of(new RowError(2, "score", "0.49", "Value 0.49 below minimum 0.5")), min.errors());
        var max = load("id,score\n1,1e3\n2,NaN\n", Map.of("score", List.of(range(null, "1000"))));
        assertEquals(List.of(new RowError(2, "score", "NaN", "Value NaN above maximum 1000")), max.errors());
        var fractional = load("id,age\n1,2\n2,3\n", Map.of("age", List.of(range("1.5", "2.5"))));
        assertEquals(List.of(1L), fractional.rowNumbers());
    }

    @Test
    void enumeration() {
        ValidationRule oneOf = new ValidationRule(ValidationRule.Kind.ENUM, null, null, null, List.of("a", "b"), null);
        var result = load("id,status\n1,a\n2,c\n3,A\n", Map.of("status", List.of(oneOf)));
        assertEquals(List.of(1L), result.rowNumbers());
        assertEquals(List.of(new RowError(2, "status", "c", "Not one of [a, b]"), new RowError(3, "status", "A", "Not one of [a, b]")),
                result.errors());
    }

    @Test
    void regexMustMatchTheWholeValue() {
        ValidationRule pattern = new ValidationRule(ValidationRule.Kind.REGEX, "^[A-Z]{2}\\d$", null, null, null, null);
        var result = load("id,code\n1,AB1\n2,AB12\n3,xAB1\n", Map.of("code", List.of(pattern)));
        assertEquals(List.of(1L), result.rowNumbers());
        assertEquals("Does not match pattern ^[A-Z]{2}\\d$", result.errors().get(0).error());
        ValidationRule partial = new ValidationRule(ValidationRule.Kind.REGEX, "B", null, null, null, null);
        assertEquals(List.of(), load("id,code\n1,AB1\n", Map.of("code", List.of(partial))).rowNumbers());
    }

    @Test
    void notNullRuleAndNotNullColumn() {
        var result = load("id,email\n1,a@b.co\n,x@y.io\n3,\n", Map.of("email", List.of(rule(NOT_NULL))));
        assertEquals(List.of(1L), result.rowNumbers());
        assertEquals(List.of(new RowError(2, "id", null, "Required value is missing"),
                new RowError(3, "email", null, "Required value is missing")), result.errors());
    }

    @Test
    void notNullAppliesToColumnsMissingFromTheSource() {
        var result = load("email\na@b.co\n", Map.of());
        assertEquals(List.of(new RowError(1, "id", null, "Required value is missing")), result.errors());
    }

    @Test
    void customMessagesReplaceTheDefaults() {
        ValidationRule email = new ValidationRule(EMAIL, null, null, null, null, "Bad address");
        ValidationRule present = new ValidationRule(NOT_NULL, null, null, null, null, "Email is required");
        var result = load("id,email\n1,nope\n2,\n", Map.of("email", List.of(present, email)));
        assertEquals(List.of("Bad address", "Email is required"), result.errors().stream().map(RowError::error).toList());
    }

    @Test
    void everyBadValueOfARowIsReportedAndTheRowCountsOnce() {
        var result = load("id,email,age\nx,nope,200\n2,a@b.co,3\n",
                Map.of("email", List.of(rule(EMAIL)), "age", List.of(range("0", "150"))));
        assertEquals(List.of(values(2L, "a@b.co", 3, null, null, null)), result.rows());
        assertEquals(List.of("id", "email", "age"), result.errors().stream().map(RowError::column).toList());
        assertEquals(1, result.failed());
    }

    @Test
    void typeErrorsComeBeforeRules() {
        var result = load("id,age\n1,abc\n", Map.of("age", List.of(range("0", "150"))));
        assertEquals(List.of(new RowError(1, "age", "abc", "Expected integer")), result.errors());
    }

    @Test
    void rulesThatCannotWorkAreRejectedWhenOpening() {
        var badRegex = Map.of("code", List.of(new ValidationRule(ValidationRule.Kind.REGEX, "(", null, null, null, null)));
        var rangeOnText = Map.of("code", List.of(range("0", "1")));
        var unknownColumn = Map.of("nope", List.of(rule(EMAIL)));
        for (var validation : List.of(badRegex, rangeOnText, unknownColumn)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Formats.open(SourceFormat.CSV, Map.of(), Fixtures.utf8(""), CUSTOMERS, validation, 0));
            assertTrue(e.getMessage().contains("'code'") || e.getMessage().contains("'nope'"), e.getMessage());
        }
    }

    @Test
    void rulesNameColumnsIgnoringCase() {
        TableSpec table = table(column("email", PgType.of(TEXT)));
        var result = csv("email\nx\n", Map.of(), table, Map.of("EMAIL", List.of(rule(EMAIL))), 0);
        assertEquals("Invalid email format", result.error());
    }
}
