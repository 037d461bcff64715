package io.sluice.security;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which role a resource method needs: its own {@link Access}, else its resource class's, else the
 * class that declares it. No annotation anywhere means nobody may call it (deny by default).
 *
 * <p>The roles follow one table (PRODUCT.md "Access", seed C "Role Summary"): API keys
 * ({@code /v0/api-keys}) and connectors ({@code /api/v1/connectors}) need {@link Role#ADMIN} for
 * everything; every other read ({@code GET}) needs {@link Role#VIEWER} (including
 * {@code GET /api/v1/pipelines/poll}, "any authenticated") and every other write ({@code POST},
 * {@code PUT}, {@code PATCH}, {@code DELETE}) needs {@link Role#EDITOR}. {@code AccessTableTest}
 * checks every resource method of the application against that table.
 */
public final class AccessRules {
    private static final Map<Method, Optional<Role>> CACHE = new ConcurrentHashMap<>();

    private AccessRules() {
    }

    /** The weakest role allowed to call {@code method} of {@code resourceClass}; empty: nobody. */
    public static Optional<Role> required(Class<?> resourceClass, Method method) {
        return CACHE.computeIfAbsent(method, m -> Optional.ofNullable(find(resourceClass, m)));
    }

    private static Role find(Class<?> resourceClass, Method method) {
        Access access = method.getAnnotation(Access.class);
        if (access == null && resourceClass != null && method.getDeclaringClass() != resourceClass) {
            // declared on an interface or superclass: the resource class's own method may carry it
            try {
                access = resourceClass.getMethod(method.getName(), method.getParameterTypes()).getAnnotation(Access.class);
            } catch (NoSuchMethodException e) {
                access = null;
            }
        }
        if (access == null && resourceClass != null) {
            access = resourceClass.getAnnotation(Access.class);
        }
        if (access == null) {
            access = method.getDeclaringClass().getAnnotation(Access.class);
        }
        return access == null ? null : access.value();
    }
}
