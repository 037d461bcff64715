package io.sluice.source;

import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/**
 * Builds the {@link S3AsyncClient}s of {@code s3} connectors. They share one Netty HTTP client
 * (created on first use, closed at shutdown) and complete their futures on the worker pool.
 *
 * <p>Credentials: a connector names the environment variables holding its access key id and secret.
 * A name that is not set in the environment is looked up as a configuration property of exactly that
 * name (a system property, the {@code .env} file, a test's configuration); neither set is a problem of
 * the connector. Without names, the AWS SDK's default provider chain decides.
 */
@ApplicationScoped
public class S3Clients {
    @Inject
    S3Config config;
    @Inject
    Config properties;

    private SdkAsyncHttpClient http;
    private DefaultCredentialsProvider defaultCredentials;

    /** A new client for {@code settings}. Blocking (the SDK reads its profile files): call it on a worker. */
    S3AsyncClient create(S3Settings settings) {
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .credentialsProvider(credentials(settings))
                .httpClient(http())
                .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR,
                        Infrastructure.getDefaultWorkerPool()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    S3Config config() {
        return config;
    }

    /** The credentials of an s3 connector (named environment variables, or the SDK's default chain). */
    public AwsCredentialsProvider credentials(S3Settings settings) {
        if (!settings.namedCredentials()) {
            return defaultCredentials();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                variable(settings.accessKeyIdEnv(), S3Settings.ACCESS_KEY_ID_ENV),
                variable(settings.secretAccessKeyEnv(), S3Settings.SECRET_ACCESS_KEY_ENV)));
    }

    private String variable(String name, String setting) {
        // Checked again here: the connector may predate a narrower sluice.s3.credential-variable-prefixes.
        if (!config.allowsCredentialVariable(name)) {
            throw new S3Store.Unusable("environment variable " + name + " (config." + setting
                    + ") is not one connectors may name (sluice.s3.credential-variable-prefixes)");
        }
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            value = Optional.ofNullable(properties.getConfigValue(name).getRawValue()).orElse("");
        }
        if (value.isEmpty()) {
            throw new S3Store.Unusable("environment variable " + name + " (config." + setting + ") is not set");
        }
        return value;
    }

    private synchronized AwsCredentialsProvider defaultCredentials() {
        if (defaultCredentials == null) {
            defaultCredentials = DefaultCredentialsProvider.builder().build();
        }
        return defaultCredentials;
    }

    private synchronized SdkAsyncHttpClient http() {
        if (http == null) {
            http = NettyNioAsyncHttpClient.builder()
                    .connectionTimeout(config.connectTimeout())
                    .readTimeout(config.readTimeout())
                    .maxConcurrency(config.maxConnections())
                    .build();
        }
        return http;
    }

    @PreDestroy
    synchronized void close() {
        if (http != null) {
            http.close();
            http = null;
        }
        if (defaultCredentials != null) {
            defaultCredentials.close();
            defaultCredentials = null;
        }
    }
}
