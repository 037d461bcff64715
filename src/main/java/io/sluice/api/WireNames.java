package io.sluice.api;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.validation.ParameterNameProvider;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.hibernate.validator.spi.nodenameprovider.JavaBeanProperty;
import org.hibernate.validator.spi.nodenameprovider.Property;
import org.hibernate.validator.spi.nodenameprovider.PropertyNodeNameProvider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;

/**
 * Bean Validation names what it checks as the client wrote it: a body's property by its JSON name
 * ({@code max_failed_rows}, not the Java component {@code maxFailedRows}) and a parameter by its
 * path, query or header name ({@code pipeline_name}, not {@code name}). Quarkus hands both
 * providers to the validator factory, so every violation's path (and {@link ErrorMapper}'s
 * {@code details.field}) speaks the API's language.
 */
public final class WireNames {
    private WireNames() {
    }

    /** JSON names from the one ObjectMapper's view of the class (its {@code @JsonProperty} names). */
    @Singleton
    public static class JsonProperties implements PropertyNodeNameProvider {
        @Inject
        ObjectMapper mapper;
        private final Map<Class<?>, Map<String, String>> byClass = new ConcurrentHashMap<>();

        @Override
        public String getName(Property property) {
            if (property instanceof JavaBeanProperty bean) {
                return byClass.computeIfAbsent(bean.getDeclaringClass(), this::jsonNames)
                        .getOrDefault(property.getName(), property.getName());
            }
            return property.getName();
        }

        private Map<String, String> jsonNames(Class<?> type) {
            Map<String, String> names = new HashMap<>();
            for (BeanPropertyDefinition p : mapper.getDeserializationConfig().introspect(mapper.constructType(type))
                    .findProperties()) {
                names.put(p.getInternalName(), p.getName());
            }
            return names;
        }
    }

    /** The name of a resource method's parameter on the wire; the Java name for the body and the rest. */
    @Singleton
    public static class Parameters implements ParameterNameProvider {
        @Override
        public List<String> getParameterNames(Constructor<?> constructor) {
            return names(constructor);
        }

        @Override
        public List<String> getParameterNames(Method method) {
            return names(method);
        }

        private static List<String> names(Executable executable) {
            return Arrays.stream(executable.getParameters()).map(p -> {
                if (p.isAnnotationPresent(PathParam.class)) {
                    return p.getAnnotation(PathParam.class).value();
                }
                if (p.isAnnotationPresent(QueryParam.class)) {
                    return p.getAnnotation(QueryParam.class).value();
                }
                if (p.isAnnotationPresent(HeaderParam.class)) {
                    return p.getAnnotation(HeaderParam.class).value();
                }
                return p.getName();
            }).toList();
        }
    }
}
