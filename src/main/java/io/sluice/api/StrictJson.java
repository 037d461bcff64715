package io.sluice.api;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The one ObjectMapper reads request bodies strictly: a JSON value of the wrong type is a 400, never
 * converted ({@code {"name": false}} is not the name "false", {@code "5"} is not the number 5), and
 * no string may hold a NUL character, which PostgreSQL text and file paths cannot carry. Both
 * checks live here so that every body, typed or a JSON tree, gets them.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
    static final String NUL_MESSAGE = "NUL characters (\\u0000) are not allowed in strings";

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType scalar : new LogicalType[] { LogicalType.Integer, LogicalType.Float, LogicalType.Boolean }) {
            mapper.coercionConfigFor(scalar)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("sluice-strict-strings").addDeserializer(String.class, new NoNulStrings()));
        mapper.setNodeFactory(new NoNulNodes());
    }

    /** A NUL character in a string: 400 InvalidJson naming the field (see ErrorMapper). */
    static final class NoNulStrings extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = super.deserialize(p, ctxt);
            if (value != null && value.indexOf('\0') >= 0) {
                return (String) ctxt.reportInputMismatch(String.class, NUL_MESSAGE);
            }
            return value;
        }
    }

    /** The same for JSON trees (ObjectNode fields such as a connector's config or runtime_config). */
    static final class NoNulNodes extends JsonNodeFactory {
        @Override
        public TextNode textNode(String text) {
            if (text != null && text.indexOf('\0') >= 0) {
                // Inside a typed body Jackson wraps it with the field's path (ErrorMapper.invalidJson); a bare tree body gets it as is.
                throw SluiceException.badRequest("InvalidJson", "Invalid value in the JSON body: " + NUL_MESSAGE);
            }
            return super.textNode(text);
        }
    }
}
