package io.sluice.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.Test;

import io.sluice.security.apikey.ApiKeyResource;

/**
 * Every JAX-RS resource method of the application (the main classes, not test resources) declares
 * its {@link Access}, and the role it declares is the one of the access table (PRODUCT.md "Access",
 * seed C "Role Summary"). Deny by default would refuse a method without {@code @Access} to everyone;
 * this test says so at build time instead of in production.
 */
class AccessTableTest {

    /** The access table: the first rule whose path prefix and method kind match decides. */
    record Rule(String pathPrefix, boolean writesOnly, boolean readsOnly, Role role) {
        boolean matches(String path, boolean read) {
            return (path.equals(pathPrefix) || path.startsWith(pathPrefix.endsWith("/") ? pathPrefix : pathPrefix + "/"))
                    && !(writesOnly && read) && !(readsOnly && !read);
        }
    }

    static final List<Rule> TABLE = List.of(
            new Rule("/v0/api-keys", false, false, Role.ADMIN),
            new Rule("/v0/api_keys", false, false, Role.ADMIN),
            new Rule("/api/v1/connectors", false, false, Role.ADMIN),
            // everything else: /v0, /tables, /tasks, /api/v1/pipelines (seed C: GET viewer, POST editor)
            new Rule("/", false, true, Role.VIEWER),
            new Rule("/", true, false, Role.EDITOR));

    record Endpoint(String httpMethod, String path, Class<?> type, Method method) {
        @Override
        public String toString() {
            return httpMethod + " " + path + " (" + type.getName() + "#" + method.getName() + ")";
        }
    }

    @Test
    void everyResourceMethodDeclaresTheRoleOfTheAccessTable() throws Exception {
        List<Endpoint> endpoints = resourceMethods();
        assertTrue(endpoints.stream().anyMatch(e -> e.type() == ApiKeyResource.class),
                "the scan must find the application's resources: " + endpoints);
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Optional<Role> declared = AccessRules.required(endpoint.type(), endpoint.method());
            Role expected = expected(endpoint);
            if (declared.isEmpty()) {
                problems.add(endpoint + ": no @Access (would be refused to everyone); the table says "
                        + "@Access(Role." + expected + ")");
            } else if (declared.get() != expected) {
                problems.add(endpoint + ": @Access(Role." + declared.get() + "), the table says Role." + expected);
            }
        }
        assertTrue(problems.isEmpty(), "Access rules differ from the table:\n" + String.join("\n", problems));
    }

    static Role expected(Endpoint endpoint) {
        boolean read = List.of("GET", "HEAD", "OPTIONS").contains(endpoint.httpMethod());
        return TABLE.stream().filter(r -> r.matches(endpoint.path(), read)).findFirst().orElseThrow().role();
    }

    /** The JAX-RS resource methods among the application's compiled classes. */
    static List<Endpoint> resourceMethods() throws IOException, URISyntaxException {
        Path classes = Path.of(ApiKeyResource.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Endpoint> endpoints = new ArrayList<>();
        List<String> classNames;
        try (Stream<Path> files = Files.walk(classes)) {
            classNames = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString())
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .filter(n -> !n.endsWith("module-info") && !n.endsWith("package-info"))
                    .sorted().toList();
        }
        for (String name : classNames) {
            Class<?> type;
            try {
                type = Class.forName(name, false, AccessTableTest.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new AssertionError("Cannot load " + name + " to check its access rules", e);
            }
            if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || type.isSynthetic()) {
                continue;
            }
            String classPath = pathOf(type);
            for (Method method : type.getMethods()) {
                Optional<String> http = httpMethod(type, method);
                if (http.isEmpty() || method.isBridge() || method.isSynthetic()) {
                    continue;
                }
                endpoints.add(new Endpoint(http.get(), join(classPath, pathOf(type, method)), type, method));
            }
        }
        return endpoints;
    }

    /** The HTTP method of {@code method} or of the method it implements or overrides. */
    private static Optional<String> httpMethod(Class<?> type, Method method) {
        for (Method candidate : overridden(type, method)) {
            for (Annotation a : candidate.getAnnotations()) {
                HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
                if (http != null) {
                    return Optional.of(http.value());
                }
            }
        }
        return Optional.empty();
    }

    private static String pathOf(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            if (t.getAnnotation(jakarta.ws.rs.Path.class) != null) {
                return t.getAnnotation(jakarta.ws.rs.Path.class).value();
            }
            for (Class<?> i : t.getInterfaces()) {
                if (i.getAnnotation(jakarta.ws.rs.Path.class) != null) {
                    return i.getAnnotation(jakarta.ws.rs.Path.class).value();
                }
            }
        }
        return "";
    }

    private static String pathOf(Class<?> type, Method method) {
        for (Method candidate : overridden(type, method)) {
            jakarta.ws.rs.Path path = candidate.getAnnotation(jakarta.ws.rs.Path.class);
            if (path != null) {
                return path.value();
            }
        }
        return "";
    }

    private static List<Method> overridden(Class<?> type, Method method) {
        List<Method> result = new ArrayList<>();
        result.add(method);
        List<Class<?>> supertypes = new ArrayList<>();
        for (Class<?> t = type; t != null && t != Object.class; t = t.getSuperclass()) {
            supertypes.add(t);
            supertypes.addAll(List.of(t.getInterfaces()));
        }
        for (Class<?> t : supertypes) {
            try {
                Method m = t.getDeclaredMethod(method.getName(), method.getParameterTypes());
                if (!result.contains(m)) {
                    result.add(m);
                }
            } catch (NoSuchMethodException e) {
                // not declared there
            }
        }
        return result;
    }

    private static String join(String classPath, String methodPath) {
        String joined = ("/" + classPath + "/" + methodPath).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
