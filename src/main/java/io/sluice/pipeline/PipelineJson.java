package io.sluice.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON text columns in and out, with the application's ObjectMapper. */
@ApplicationScoped
public class PipelineJson {
    /** Runtime configuration defaults (seed B2's example), overlaid by what the user gives. */
    static final String RUNTIME_CONFIG_DEFAULTS = """
            {"workers": 4, "max_rss_mb": null, "hosts": 1,
             "storage": {"backend": {"name": "default"}, "min_storage_bytes": null, "min_step_storage_bytes": null,
                         "compression": "default", "cache_mib": null},
             "fault_tolerance": {"model": "none", "checkpoint_interval_secs": 60},
             "cpu_profiler": true, "tracing": false, "tracing_endpoint_jaeger": "", "min_batch_size_records": 0,
             "max_buffering_delay_usecs": 0,
             "resources": {"cpu_cores_min": null, "cpu_cores_max": null, "memory_mb_min": null, "memory_mb_max": null,
                           "storage_mb_max": null, "storage_class": null, "service_account_name": null, "namespace": null},
             "clock_resolution_usecs": 1000000, "pin_cpus": [], "provisioning_timeout_secs": null,
             "max_parallel_connector_init": null, "init_containers": null, "checkpoint_during_suspend": true,
             "http_workers": null, "io_workers": null, "env": {}, "dev_tweaks": {}, "logging": null,
             "pipeline_template_configmap": null}""";
    static final String PROGRAM_CONFIG_DEFAULTS = """
            {"profile": "optimized", "cache": true, "runtime_version": null}""";

    @Inject
    ObjectMapper mapper;

    public String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Value cannot be written as JSON", e);
        }
    }

    public JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is corrupt", e);
        }
    }

    public <T> T read(String json, Class<T> type) {
        return json == null ? null : mapper.convertValue(tree(json), type);
    }

    public <T> T read(String json, TypeReference<T> type) {
        return json == null ? null : mapper.convertValue(tree(json), type);
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** {@code defaults} with every entry of {@code given} laid over it, objects merged recursively. */
    public ObjectNode overlay(String defaults, JsonNode given) {
        ObjectNode result = (ObjectNode) tree(defaults);
        if (given != null && given.isObject()) {
            merge(result, (ObjectNode) given);
        }
        return result;
    }

    private static void merge(ObjectNode target, ObjectNode overlay) {
        overlay.fields().forEachRemaining(e -> {
            JsonNode existing = target.get(e.getKey());
            if (existing != null && existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        });
    }
}
