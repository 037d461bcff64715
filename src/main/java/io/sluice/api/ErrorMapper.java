package io.sluice.api;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every failure becomes an {@link ApiError} here and nowhere else. Unknown failures answer 500
 * with a reference to the log line, never with a stack trace or SQL text.
 */
public class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response sluice(SluiceException e) {
        Response answer = respond(e.status(), e.toBody());
        if (e.status() == 503) {
            answer.getHeaders().putSingle(jakarta.ws.rs.core.HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return answer;
    }

    /** What a client should wait before trying again while PostgreSQL is unreachable (it restarts in seconds). */
    static final String RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return sluice(invalidJson(e));
    }

    /**
     * A body that is not valid JSON or does not fit the expected shape, as a 400 InvalidJson whose
     * message names the field and the JSON type it needs, never a Java type or class.
     */
    public static SluiceException invalidJson(JsonProcessingException e) {
        Map<String, Object> details = new LinkedHashMap<>();
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            message = "Unknown field '" + u.getPropertyName() + "'";
            details.put("field", path(u));
        } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            String allowed = java.util.Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(Object::toString).collect(Collectors.joining(", "));
            message = "Invalid value " + f.getValue() + " for field '" + path(f) + "' (allowed: " + allowed + ")";
            details.put("field", path(f));
        } else if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String expected = e instanceof MismatchedInputException mismatch ? expectedType(mismatch.getTargetType()) : null;
            message = m.getOriginalMessage() != null && m.getOriginalMessage().contains(StrictJson.NUL_MESSAGE)
                    ? "Invalid value for field '" + path(m) + "': " + StrictJson.NUL_MESSAGE
                    : expected != null ? "Field '" + path(m) + "' must be " + expected
                    : "Invalid value for field '" + path(m) + "'";
            details.put("field", path(m));
        } else if (e instanceof JsonMappingException) {
            message = "The JSON body does not have the expected shape (an object)";
        } else {
            message = "Malformed JSON body: " + e.getOriginalMessage();
        }
        if (e.getLocation() != null) {
            details.put("line", e.getLocation().getLineNr());
            details.put("column", e.getLocation().getColumnNr());
        }
        return new SluiceException(400, "InvalidJson", message, details);
    }

    /** The JSON type a Java target type reads from, in words; null when there is no simple answer. */
    private static String expectedType(Class<?> target) {
        if (target == null) {
            return null;
        }
        if (target == String.class || target == Character.class || target == char.class) {
            return "a string";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "a boolean";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class
                || target == Short.class || target == short.class || target == java.math.BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(target) || target == double.class || target == float.class) {
            return "a number";
        }
        if (target.isEnum()) {
            return "one of " + java.util.Arrays.stream(target.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (target.isArray() || java.util.Collection.class.isAssignableFrom(target)
                || com.fasterxml.jackson.databind.node.ArrayNode.class.isAssignableFrom(target)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(target) || target.isRecord()
                || com.fasterxml.jackson.databind.node.ObjectNode.class.isAssignableFrom(target)) {
            return "an object";
        }
        return null;
    }

    /** Declared separately: Quarkus ships its own mapper for this subtype, which would win otherwise. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return badJson(e);
    }

    /** One Bean Validation failure as the client sees it: the field (JSON or parameter name) and what it must be. */
    record Violation(String field, String message) {
    }

    /**
     * Bean Validation of parameters and bodies, the one mapping of every constraint: 400
     * InvalidField, the message names the first field (in order of the fields' names) and says what it
     * must be; all violations are in details. Names are the wire's ({@link WireNames}).
     */
    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        // distinct: a record component's constraint can reach the validator on the field and the accessor
        List<Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Violation(field(v), v.getMessage()))
                .distinct()
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .toList();
        if (violations.isEmpty()) {
            return respond(400, new ApiError("Invalid request", "InvalidField", null));
        }
        Violation first = violations.get(0);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", first.field());
        details.put("violations", violations);
        return respond(400, new ApiError(first.field() + " " + first.message(), "InvalidField", details));
    }

    /**
     * The field a violation is about: the body property's path ("source.connector",
     * "validation.email[0].rule"), or the parameter's name when the parameter itself is refused.
     */
    private static String field(ConstraintViolation<?> violation) {
        String parameter = null;
        StringBuilder property = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                property.setLength(0);
                continue;
            }
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.CONSTRUCTOR
                    || node.getKind() == ElementKind.RETURN_VALUE || node.getKind() == ElementKind.CROSS_PARAMETER) {
                continue;
            }
            if (node.isInIterable() && property.length() > 0) {
                Object at = node.getKey() != null ? node.getKey() : node.getIndex();
                property.append(at == null ? "" : node.getKey() != null ? "." + at : "[" + at + "]");
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                property.append(property.length() > 0 ? "." : "").append(node.getName());
            }
        }
        if (property.length() > 0) {
            return property.toString();
        }
        return parameter != null ? parameter : violation.getPropertyPath().toString();
    }

    @jakarta.inject.Inject
    AllowedMethods allowedMethods;

    /** A 405 names the methods the path has (RFC 9110), which RESTEasy Reactive's exception does not. */
    @ServerExceptionMapper
    public Response notAllowed(jakarta.ws.rs.NotAllowedException e, jakarta.ws.rs.core.UriInfo uri) {
        Response answer = web(e);
        String allow = allowedMethods.allow(uri.getPath());
        return allow.isEmpty() ? answer : Response.fromResponse(answer).header(jakarta.ws.rs.core.HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        int status = e.getResponse().getStatus();
        if (e instanceof jakarta.ws.rs.NotFoundException && e.getCause() != null) {
            // JAX-RS answers 404 when a query or path parameter does not convert (page=abc): the client's mistake is its value.
            return respond(400, new ApiError("Invalid parameter value: " + describe(e.getCause()), "InvalidParameter", null));
        }
        String code = switch (status) {
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 413 -> "PayloadTooLarge";
            case 415 -> "UnsupportedMediaType";
            default -> status >= 500 ? "InternalError" : "BadRequest";
        };
        String message = status >= 500 ? "Internal error" : e.getMessage();
        if (status == 400 && e.getCause() != null && e.getCause().getMessage() != null) {
            message = e.getCause().getMessage();
        }
        Response.ResponseBuilder answer = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(message, code, null));
        // RFC 9110: a 405 says which methods the resource has.
        String allow = e.getResponse().getHeaderString(jakarta.ws.rs.core.HttpHeaders.ALLOW);
        if (allow != null) {
            answer.header(jakarta.ws.rs.core.HttpHeaders.ALLOW, allow);
        }
        return answer.build();
    }

    private static String describe(Throwable cause) {
        return cause instanceof NumberFormatException ? "not a number in range" : "not of the expected type";
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (io.sluice.db.ConnectionFailures.isConnectionFailure(e)) {
            LOG.warnf("Answered 503: PostgreSQL is unreachable (%s)", e.getMessage());
            return sluice(new SluiceException(503, "DatabaseUnavailable",
                    "The database is unreachable right now; try again in a few seconds"));
        }
        String reference = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error (reference %s)", reference);
        return respond(500, new ApiError("Internal error; see the server log for reference " + reference,
                "InternalError", Map.of("reference", reference)));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static Response respond(int status, ApiError body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
