package io.sluice.pipeline.program;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The constraints written after a column's type. Only NULL, NOT NULL and PRIMARY KEY are
 * accepted: everything else would either change what a load does or be silently ignored.
 */
record ColumnOptions(boolean notNull, boolean explicitlyNull, boolean primaryKey) {

    private static final Map<String, String> REJECTED = Map.of(
            "DEFAULT", "DEFAULT values are not supported: loaders supply every value",
            "CHECK", TableConstraints.CHECK,
            "UNIQUE", TableConstraints.UNIQUE,
            "REFERENCES", TableConstraints.FOREIGN_KEY,
            "COLLATE", "COLLATE is not supported",
            "GENERATED", "generated and identity columns are not supported: loaders supply every value",
            "AUTO_INCREMENT", "generated and identity columns are not supported: loaders supply every value",
            "ARRAY", "array types are not supported");

    static ColumnOptions read(List<String> specs, String column, ElementTokens where) {
        List<String> words = specs == null ? List.of() : specs.stream().map(w -> w.toUpperCase(Locale.ROOT)).toList();
        boolean notNull = false;
        boolean explicitlyNull = false;
        boolean primaryKey = false;
        int i = 0;
        while (i < words.size()) {
            String next = i + 1 < words.size() ? words.get(i + 1) : "";
            if (words.get(i).equals("NOT") && next.equals("NULL")) {
                notNull = true;
                i += 2;
            } else if (words.get(i).equals("NULL")) {
                explicitlyNull = true;
                i += 1;
            } else if (words.get(i).equals("PRIMARY") && next.equals("KEY")) {
                primaryKey = true;
                i += 2;
            } else if (words.get(i).equals("CONSTRAINT") && !next.isEmpty()) {
                // A constraint's name only labels it in the catalog; the constraint itself is checked next.
                i += 2;
            } else {
                throw unsupported(specs.get(i), column, where);
            }
        }
        if (explicitlyNull && (notNull || primaryKey)) {
            throw new CompileError("column \"" + column + "\": conflicting NULL and "
                    + (primaryKey ? "PRIMARY KEY" : "NOT NULL") + " declarations", where.options());
        }
        return new ColumnOptions(notNull, explicitlyNull, primaryKey);
    }

    private static CompileError unsupported(String spec, String column, ElementTokens where) {
        String word = spec.split("[\\s(\\[]", 2)[0];
        String firstWord = word.isEmpty() ? spec.substring(0, 1) : word;
        String reason = REJECTED.getOrDefault(firstWord.toUpperCase(Locale.ROOT),
                "\"" + SourceText.abbreviate(spec, 40) + "\" is not supported here");
        return new CompileError("column \"" + column + "\": " + reason, where.from(firstWord));
    }
}
