package io.sluice.security.apikey;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import io.sluice.security.Role;

/** Stores a {@link Role} as its wire name ({@code admin}, {@code editor}, {@code viewer}). */
@Converter
public class RoleConverter implements AttributeConverter<Role, String> {
    @Override
    public String convertToDatabaseColumn(Role role) {
        return role == null ? null : role.wireName();
    }

    @Override
    public Role convertToEntityAttribute(String value) {
        return value == null ? null : Role.fromWire(value);
    }
}
