package io.sluice.source;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** A named, reusable source location; its type-specific settings are JSON in {@link #config}. */
@Entity
@Table(name = "connector", schema = "sluice")
public class Connector extends PanacheEntityBase {
    @Id
    public UUID id;
    public String name;
    public String type;
    public String config;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Uni<Connector> findByName(String name) {
        return find("name", name).firstResult();
    }
}
