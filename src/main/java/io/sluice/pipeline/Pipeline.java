package io.sluice.pipeline;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.sluice.pipeline.status.ProgramStatus;
import io.sluice.pipeline.status.ResourcesDesiredStatus;
import io.sluice.pipeline.status.ResourcesStatus;
import io.sluice.pipeline.status.RuntimeDesiredStatus;
import io.sluice.pipeline.status.RuntimeStatus;
import io.sluice.pipeline.status.StorageStatus;

/**
 * A pipeline row. JSON-valued fields are kept as text and (de)serialized by {@link PipelineJson};
 * status fields change only through {@link StatusChanges}, which records each change's event.
 */
@Entity
@Table(name = "pipeline", schema = "sluice")
// Only changed columns are written, so a request and the reconciler touching different fields never undo each other.
@org.hibernate.annotations.DynamicUpdate
public class Pipeline extends PanacheEntityBase {
    @Id
    public UUID id;
    public String name;
    public String description;
    /** Feldera's ClientMetadata tags, a JSON array of strings. */
    public String tags;
    @Column(name = "created_at")
    public Instant createdAt;
    public long version;
    @Column(name = "refresh_version")
    public long refreshVersion;
    @Column(name = "platform_version")
    public String platformVersion;

    @Column(name = "runtime_config")
    public String runtimeConfig;
    @Column(name = "program_config")
    public String programConfig;
    @Column(name = "program_code")
    public String programCode;
    @Column(name = "udf_rust")
    public String udfRust;
    @Column(name = "udf_toml")
    public String udfToml;
    @Column(name = "program_version")
    public long programVersion;
    @Enumerated(EnumType.STRING)
    @Column(name = "program_status")
    public ProgramStatus programStatus;
    @Column(name = "program_status_since")
    public Instant programStatusSince;
    @Column(name = "program_error")
    public String programError;
    @Column(name = "program_info")
    public String programInfo;

    public String source;
    @Column(name = "connector_name")
    public String connectorName;
    @Column(name = "load_strategy")
    public String loadStrategy;
    public int partitions;
    public String schedule;
    @Column(name = "max_failed_rows")
    public Long maxFailedRows;

    /** Loaded rows carry their provenance columns (see Provenance); false: the pipeline opted out. */
    @Column(name = "row_provenance")
    public boolean rowProvenance = true;
    public String validation;
    public String polling;

    @Enumerated(EnumType.STRING)
    @Column(name = "storage_status")
    public StorageStatus storageStatus;
    @Column(name = "storage_status_details")
    public String storageStatusDetails;
    /** When the storage was last cleared (null: never); retries of older runs start over. */
    @Column(name = "storage_cleared_at")
    public Instant storageClearedAt;

    @Column(name = "deployment_id")
    public UUID deploymentId;
    @Column(name = "deployment_initial")
    public String deploymentInitial;
    @Column(name = "deployment_error")
    public String deploymentError;
    @Column(name = "deployment_status_since")
    public Instant deploymentStatusSince;
    @Column(name = "deployment_desired_status_since")
    public Instant deploymentDesiredStatusSince;

    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_resources_status")
    public ResourcesStatus resourcesStatus;
    @Column(name = "deployment_resources_status_since")
    public Instant resourcesStatusSince;
    @Column(name = "deployment_resources_status_details")
    public String resourcesStatusDetails;
    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_resources_desired_status")
    public ResourcesDesiredStatus resourcesDesiredStatus;
    @Column(name = "deployment_resources_desired_status_since")
    public Instant resourcesDesiredStatusSince;

    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_runtime_status")
    public RuntimeStatus runtimeStatus;
    @Column(name = "deployment_runtime_status_since")
    public Instant runtimeStatusSince;
    @Column(name = "deployment_runtime_status_details")
    public String runtimeStatusDetails;
    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_runtime_desired_status")
    public RuntimeDesiredStatus runtimeDesiredStatus;
    @Column(name = "deployment_runtime_desired_status_since")
    public Instant runtimeDesiredStatusSince;

    /** When an ongoing provisioning gives up (runtime_config.provisioning_timeout_secs). */
    @Column(name = "provisioning_deadline")
    public Instant provisioningDeadline;
}
