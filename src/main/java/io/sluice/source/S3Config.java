package io.sluice.source;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Sluice talks to the buckets of {@code s3} connectors (one HTTP client shared by all of them). */
@ConfigMapping(prefix = "sluice.s3")
public interface S3Config {
    /** Longest time opening a connection to an S3 endpoint may take. */
    @WithDefault("5s")
    Duration connectTimeout();

    /**
     * Longest time a listing page, metadata, delete or reachability request may take, retries
     * included. Reading an object is bounded by {@link #readTimeout()} instead.
     */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Longest silence while a response is read. */
    @WithDefault("30s")
    Duration readTimeout();

    /** Connections open at most, all S3 connectors together. */
    @WithDefault("64")
    int maxConnections();

    /**
     * Prefixes the environment variables named by connectors for credentials must start with, so
     * that a connector cannot make Sluice send any other variable of its environment (an API key,
     * a database password) to an S3 endpoint the connector chooses.
     */
    @WithDefault("S3_,AWS_,SLUICE_S3_")
    java.util.List<String> credentialVariablePrefixes();

    /** Whether a connector may name {@code variable} for credentials. */
    default boolean allowsCredentialVariable(String variable) {
        return credentialVariablePrefixes().stream().anyMatch(variable::startsWith);
    }
}
