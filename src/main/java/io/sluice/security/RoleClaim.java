package io.sluice.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** Reads the caller's role from a JWT claim (see {@link AuthConfig.Jwt#roleClaim()}). */
public final class RoleClaim {
    private RoleClaim() {
    }

    /**
     * The strongest role named in the claim {@code claimName}, or {@code null}.
     *
     * @param claims looks up a top-level claim by name (e.g. {@code JsonWebToken::getClaim})
     */
    public static Role strongest(Function<String, Object> claims, String claimName) {
        Object value = claims.apply(claimName);
        if (value == null && claimName.contains(".")) {
            value = nested(claims, claimName);
        }
        Role best = null;
        for (String name : values(value)) {
            Role role = Role.fromWire(name.strip().toLowerCase(Locale.ROOT));
            if (role != null && (best == null || role.covers(best))) {
                best = role;
            }
        }
        return best;
    }

    private static Object nested(Function<String, Object> claims, String path) {
        String[] parts = path.split("\\.");
        Object current = claims.apply(parts[0]);
        for (int i = 1; i < parts.length && current != null; i++) {
            if (current instanceof JsonObject object) {
                current = object.get(parts[i]);
            } else if (current instanceof java.util.Map<?, ?> map) {
                current = map.get(parts[i]);
            } else {
                return null;
            }
        }
        return current;
    }

    private static List<String> values(Object value) {
        List<String> result = new ArrayList<>();
        if (value == null || value == JsonValue.NULL) {
            return result;
        }
        if (value instanceof JsonArray array) {
            for (JsonValue item : array) {
                result.addAll(values(item));
            }
        } else if (value instanceof Collection<?> items) {
            for (Object item : items) {
                result.addAll(values(item));
            }
        } else if (value instanceof JsonString string) {
            result.addAll(split(string.getString()));
        } else if (value instanceof CharSequence text) {
            result.addAll(split(text.toString()));
        }
        return result;
    }

    private static List<String> split(String text) {
        List<String> result = new ArrayList<>();
        for (String part : text.split("[\\s,]+")) {
            if (!part.isEmpty()) {
                result.add(part);
            }
        }
        return result;
    }
}
