package io.sluice.external;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/** An external table: which pipeline mirrors it and the task config it was declared with. */
@Entity
@Table(name = "external_table", schema = "sluice")
public class ExternalTable extends PanacheEntityBase {
    public static final String ICEBERG = "iceberg";
    public static final String S3 = "s3";

    @Id
    @Column(name = "table_name_with_type")
    public String tableNameWithType;
    @Column(name = "table_name")
    public String tableName;
    @Column(name = "table_type")
    public String tableType;
    @Column(name = "pipeline_id")
    public UUID pipelineId;
    public String kind;
    @Column(name = "task_config")
    public String taskConfig;
    @Column(name = "schema_config")
    public String schemaConfig;
    public String schedule;
    @Column(name = "created_at")
    public Instant createdAt;

    /** By {@code orders_OFFLINE} or by {@code orders}. */
    public static Uni<ExternalTable> findByName(String name) {
        return find("tableNameWithType = ?1 or tableName = ?1", name).firstResult();
    }

    public static Uni<ExternalTable> findByPipeline(UUID pipelineId) {
        return find("pipelineId", pipelineId).firstResult();
    }

    public boolean iceberg() {
        return ICEBERG.equals(kind);
    }
}
