package io.sluice.pipeline;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.type.TypeReference;

import io.sluice.pipeline.spec.LoadStrategy;
import io.sluice.pipeline.spec.PollingSpec;
import io.sluice.pipeline.spec.SourceSpec;
import io.sluice.pipeline.spec.ValidationRule;
import io.sluice.pipeline.status.DeploymentDesiredStatus;
import io.sluice.pipeline.status.DeploymentStatus;

/** Pipelines as the /v0 face shows them, for each {@code selector}. */
@ApplicationScoped
public class PipelineViews {
    private static final TypeReference<Map<String, List<ValidationRule>>> RULES = new TypeReference<>() {
    };

    static final TypeReference<List<String>> TAGS = new TypeReference<>() {
    };

    @Inject
    PipelineJson json;

    public PipelineView full(Pipeline p) {
        PipelineView v = fillStatus(new PipelineView(), p);
        v.runtimeConfig = json.tree(p.runtimeConfig);
        v.programCode = p.programCode;
        v.udfRust = p.udfRust;
        v.udfToml = p.udfToml;
        v.programConfig = json.tree(p.programConfig);
        v.programError = json.tree(p.programError);
        v.programInfo = json.tree(p.programInfo);
        v.connectors = p.connectorName == null ? null : Map.of("source", p.connectorName);
        v.source = json.read(p.source, SourceSpec.class);
        v.loadStrategy = LoadStrategy.valueOf(p.loadStrategy.toUpperCase(java.util.Locale.ROOT));
        v.partitions = p.partitions;
        v.schedule = p.schedule;
        v.maxFailedRows = p.maxFailedRows;
        v.rowProvenance = p.rowProvenance;
        v.validation = json.read(p.validation, RULES);
        v.polling = json.read(p.polling, PollingSpec.class);
        return v;
    }

    private <V extends PipelineStatusView> V fillStatus(V v, Pipeline p) {
        v.id = p.id;
        v.name = p.name;
        v.description = p.description;
        v.tags = json.read(p.tags, TAGS);
        v.createdAt = p.createdAt;
        v.version = p.version;
        v.platformVersion = p.platformVersion;
        v.programVersion = p.programVersion;
        v.programStatus = p.programStatus;
        v.programStatusSince = p.programStatusSince;
        v.deploymentError = json.tree(p.deploymentError);
        v.refreshVersion = p.refreshVersion;
        v.storageStatus = p.storageStatus;
        v.storageStatusDetails = json.tree(p.storageStatusDetails);
        v.deploymentId = p.deploymentId;
        v.deploymentInitial = p.deploymentInitial;
        v.deploymentStatus = DeploymentStatus.of(p.resourcesStatus, p.runtimeStatus);
        v.deploymentStatusSince = p.deploymentStatusSince;
        v.deploymentDesiredStatus = DeploymentDesiredStatus.of(p.resourcesDesiredStatus, p.runtimeDesiredStatus);
        v.deploymentDesiredStatusSince = p.deploymentDesiredStatusSince;
        v.resourcesStatus = p.resourcesStatus;
        v.resourcesStatusDetails = json.tree(p.resourcesStatusDetails);
        v.resourcesStatusSince = p.resourcesStatusSince;
        v.resourcesDesiredStatus = p.resourcesDesiredStatus;
        v.resourcesDesiredStatusSince = p.resourcesDesiredStatusSince;
        v.runtimeStatus = p.runtimeStatus;
        v.runtimeStatusDetails = json.tree(p.runtimeStatusDetails);
        v.runtimeStatusSince = p.runtimeStatusSince;
        v.runtimeDesiredStatus = p.runtimeDesiredStatus;
        v.runtimeDesiredStatusSince = p.runtimeDesiredStatusSince;
        return v;
    }
}
