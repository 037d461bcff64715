package io.sluice.security;

import com.fasterxml.jackson.annotation.JsonValue;

/** Roles in increasing power; a caller may do whatever its role or a weaker one may. */
public enum Role {
    VIEWER, EDITOR, ADMIN;

    public boolean covers(Role required) {
        return compareTo(required) >= 0;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role fromWire(String value) {
        for (Role r : values()) {
            if (r.wireName().equals(value)) {
                return r;
            }
        }
        return null;
    }
}
