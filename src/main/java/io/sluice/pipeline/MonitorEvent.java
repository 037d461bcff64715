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

/** A persisted status snapshot of one pipeline (seed B1). */
@Entity
@Table(name = "pipeline_monitor_event", schema = "sluice")
public class MonitorEvent extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "pipeline_id")
    public UUID pipelineId;
    @Column(name = "recorded_at")
    public Instant recordedAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_resources_status")
    public ResourcesStatus resourcesStatus;
    @Column(name = "deployment_resources_status_details")
    public String resourcesStatusDetails;
    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_resources_desired_status")
    public ResourcesDesiredStatus resourcesDesiredStatus;
    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_runtime_status")
    public RuntimeStatus runtimeStatus;
    @Column(name = "deployment_runtime_status_details")
    public String runtimeStatusDetails;
    @Enumerated(EnumType.STRING)
    @Column(name = "deployment_runtime_desired_status")
    public RuntimeDesiredStatus runtimeDesiredStatus;
    @Column(name = "deployment_error")
    public String deploymentError;
    @Enumerated(EnumType.STRING)
    @Column(name = "program_status")
    public ProgramStatus programStatus;
    @Enumerated(EnumType.STRING)
    @Column(name = "storage_status")
    public StorageStatus storageStatus;
    @Column(name = "storage_status_details")
    public String storageStatusDetails;
}
