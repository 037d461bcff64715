package io.sluice.security;

/**
 * Who is calling, as established by {@link AccessFilter}.
 *
 * @param name the API key's name, or the JWT's principal name ({@code upn}, {@code preferred_username} or {@code sub})
 * @param role the caller's role; {@code null} for a valid JWT that carries none of the known roles
 * @param via how the caller authenticated
 */
public record Identity(String name, Role role, Via via) {
    /** Kind of credential. */
    public enum Via {
        API_KEY, JWT
    }

    /** Whether this caller may do what {@code required} allows. */
    public boolean has(Role required) {
        return role != null && role.covers(required);
    }
}
