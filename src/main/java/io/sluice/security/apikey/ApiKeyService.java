package io.sluice.security.apikey;

import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.sluice.api.SluiceException;
import io.sluice.security.Role;
import io.sluice.security.apikey.ApiKeyDtos.ApiKeyView;
import io.sluice.security.apikey.ApiKeyDtos.CreatedApiKey;
import io.sluice.security.apikey.ApiKeyDtos.NewApiKey;
import io.smallrye.mutiny.Uni;

/** API key management: validation and transactions. At least one admin key always remains. */
@ApplicationScoped
public class ApiKeyService {
    @Inject
    ApiKeyAuthenticator authenticator;

    static final int MAX_NAME_LENGTH = 128;
    /** Strongest first, as PRODUCT.md lists them. */
    private static final List<String> ROLE_NAMES = Arrays.stream(Role.values())
            .sorted(Comparator.reverseOrder()).map(Role::wireName).toList();
    private static final String ALLOWED_ROLES = String.join(", ", ROLE_NAMES);
    private static final List<String> ALLOWED_NAMES = java.util.stream.Stream.concat(ROLE_NAMES.stream(),
            java.util.stream.Stream.of("read", "write")).toList();

    @Inject
    InstantSource clock;

    /** Creates a key; the result carries the key itself, which is never available again. */
    @WithTransaction
    public Uni<CreatedApiKey> create(NewApiKey request) {
        String name;
        Role role;
        try {
            name = validName(request == null ? null : request.name());
            role = validRole(request == null ? null : request.role());
        } catch (SluiceException e) {
            return Uni.createFrom().failure(e);
        }
        String key = ApiKeys.generate();
        ApiKey entity = new ApiKey();
        entity.id = UUID.randomUUID();
        entity.name = name;
        entity.role = role;
        entity.keyPrefix = ApiKeys.lookupPrefix(key);
        entity.keyHash = ApiKeys.hashHex(key);
        entity.createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return ApiKey.findByName(name)
                .chain(existing -> existing != null
                        ? Uni.createFrom().<ApiKey>failure(duplicate(name))
                        : entity.<ApiKey>persistAndFlush())
                // two requests for one name at once: the unique constraint decides
                .onFailure(UniqueViolation::is).transform(e -> duplicate(name))
                .map(saved -> new CreatedApiKey(saved.name, saved.id, key));
    }

    @WithSession
    public Uni<List<ApiKeyView>> list() {
        return ApiKey.listByName().map(keys -> keys.stream().map(ApiKeyView::of).toList());
    }

    @WithSession
    public Uni<ApiKeyView> get(String name) {
        return ApiKey.findByName(name)
                .onItem().ifNull().failWith(() -> unknown(name))
                .map(ApiKeyView::of);
    }

    /** Deletes a key; the last admin key cannot be deleted (400 {@code LastAdminKey}). */
    @WithTransaction
    public Uni<Void> delete(String name) {
        return deleteKey(name).invoke(authenticator::forgetAll);
    }

    private Uni<Void> deleteKey(String name) {
        return ApiKey.findByName(name)
                .onItem().ifNull().failWith(() -> unknown(name))
                .chain(key -> key.role != Role.ADMIN
                        ? ApiKey.delete("id", key.id).replaceWithVoid()
                        : ApiKey.lockAdmins().chain(admins -> {
                            if (admins.stream().noneMatch(a -> a.id.equals(key.id))) {
                                return Uni.createFrom().failure(unknown(name));
                            }
                            if (admins.size() <= 1) {
                                return Uni.createFrom().failure(SluiceException.badRequest("LastAdminKey",
                                        "API key '" + name + "' is the last admin key and cannot be deleted; "
                                                + "create another admin key first",
                                        Map.of("name", name)));
                            }
                            return ApiKey.delete("id", key.id).replaceWithVoid();
                        }));
    }

    static String validName(String name) {
        if (name == null || name.isBlank()) {
            throw SluiceException.invalidField("name", "Field 'name' is required");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw SluiceException.invalidField("name", "Field 'name' is longer than " + MAX_NAME_LENGTH + " characters");
        }
        if (!name.equals(name.strip()) || name.chars().anyMatch(c -> Character.isISOControl(c) || c == '/')) {
            throw SluiceException.invalidField("name",
                    "Field 'name' must not contain '/', control characters or leading/trailing spaces");
        }
        return name;
    }

    /**
     * Sluice's roles, plus Feldera's {@code read} (viewer) and {@code write} (editor) so Feldera's
     * clients work unchanged; no role is {@code read}, as in Feldera.
     */
    static Role validRole(String role) {
        if (role == null) {
            return Role.VIEWER;
        }
        Role parsed = switch (role) {
            case "read" -> Role.VIEWER;
            case "write" -> Role.EDITOR;
            default -> Role.fromWire(role);
        };
        if (parsed == null) {
            throw SluiceException.badRequest("InvalidField", "Unknown role '" + role + "' (allowed: " + ALLOWED_ROLES
                    + "; or Feldera's read, write)", Map.of("field", "role", "allowed", ALLOWED_NAMES));
        }
        return parsed;
    }

    private static SluiceException duplicate(String name) {
        return SluiceException.conflict("DuplicateName", "An API key named '" + name + "' already exists",
                Map.of("name", name));
    }

    private static SluiceException unknown(String name) {
        return SluiceException.notFound("UnknownApiKey", "Unknown API key '" + name + "'", Map.of("name", name));
    }
}
