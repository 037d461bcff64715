package io.sluice.security.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.sluice.security.Role;
import io.smallrye.mutiny.Uni;

/**
 * A named API key with a role. Only the SHA-256 of the key is stored ({@link #keyHash}); the key
 * itself is shown once, when it is created. Table {@code sluice.api_key} (migration V1).
 */
@Entity
@Table(name = "api_key", schema = "sluice")
public class ApiKey extends PanacheEntityBase {
    @Id
    public UUID id;

    @Column(nullable = false, unique = true)
    public String name;

    @Convert(converter = RoleConverter.class)
    @Column(nullable = false)
    public Role role;

    /** Public lookup part of the key (see {@link ApiKeys}). */
    @Column(name = "key_prefix", nullable = false, unique = true)
    public String keyPrefix;

    /** SHA-256 of the whole key, lower-case hex. */
    @Column(name = "key_hash", nullable = false)
    public String keyHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static Uni<ApiKey> findByName(String name) {
        return find("name", name).firstResult();
    }

    public static Uni<List<ApiKey>> listByName() {
        return list("order by name");
    }

    /** Every admin key, locked against concurrent deletion (always in id order: no deadlocks). */
    public static Uni<List<ApiKey>> lockAdmins() {
        return find("role = ?1 order by id", Role.ADMIN).withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }
}
