package io.sluice.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * An S3-compatible server for tests: s3proxy in this JVM on 127.0.0.1 (a free port), with the
 * {@code filesystem} blob store under {@code target/s3proxy-<random>} (deleted when the tests end),
 * one bucket {@value #BUCKET}, and AWS v2/v4 authentication with a random key pair.
 *
 * <p>Use it with {@code @WithTestResource(S3ProxyResource.class)}. Credentials reach the application
 * the way a deployment's environment variables would: connectors name {@value #ACCESS_KEY_ENV} and
 * {@value #SECRET_KEY_ENV}, which are not set in the environment, so Sluice finds them as
 * configuration properties of those names, which this resource sets ({@code S3Clients} looks in the
 * environment first, then in the configuration). {@value #WRONG_SECRET_ENV} holds a wrong secret.
 *
 * <p>Tests read everything back from the configuration ({@link #endpoint()}, {@link #put}): Quarkus
 * may load this class in more than one class loader, so nothing is kept in static fields.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {
    public static final String BUCKET = "sluice-test";
    public static final String ACCESS_KEY_ENV = "SLUICE_TEST_S3_ACCESS_KEY";
    public static final String SECRET_KEY_ENV = "SLUICE_TEST_S3_SECRET_KEY";
    public static final String WRONG_SECRET_ENV = "SLUICE_TEST_S3_WRONG_SECRET";
    public static final String ENDPOINT = "sluice-test.s3.endpoint";
    public static final String BASEDIR = "sluice-test.s3.basedir";

    private S3Proxy proxy;
    private Path basedir;

    @Override
    public Map<String, String> start() {
        String identity = "sluice-" + UUID.randomUUID().toString().substring(0, 8);
        String credential = UUID.randomUUID().toString();
        try {
            basedir = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("s3proxy-" + UUID.randomUUID()));
            Properties properties = new Properties();
            properties.setProperty("jclouds.filesystem.basedir", basedir.toString());
            BlobStore store = BlobStores.create("filesystem", properties);
            store.createContainer(BUCKET);
            proxy = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, identity, credential)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(proxy.getState()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start", e);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put(ENDPOINT, "http://127.0.0.1:" + proxy.getPort());
        config.put(BASEDIR, basedir.toString());
        config.put(ACCESS_KEY_ENV, identity);
        config.put(SECRET_KEY_ENV, credential);
        config.put(WRONG_SECRET_ENV, "not-" + credential);
        return config;
    }

    @Override
    public void stop() {
        try {
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            Api.deleteRecursively(basedir);
        }
    }

    /** The server's base URL, http://127.0.0.1:port. */
    public static String endpoint() {
        return ConfigProvider.getConfig().getValue(ENDPOINT, String.class);
    }

    /** The secret key the server accepts (to check that no response contains it). */
    public static String secret() {
        return ConfigProvider.getConfig().getValue(SECRET_KEY_ENV, String.class);
    }

    /** An s3 connector configuration for {@code bucket} on this server, with the right credentials. */
    public static Map<String, Object> connectorConfig(String bucket) {
        return Map.of("bucket", bucket, "region", "us-east-1", "endpoint", endpoint(), "pathStyle", true,
                "accessKeyIdEnv", ACCESS_KEY_ENV, "secretAccessKeyEnv", SECRET_KEY_ENV);
    }

    /** Drops an object into the bucket: a plain file under basedir/bucket/key. */
    public static void put(String key, String content) {
        put(key, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void put(String key, byte[] content) {
        Path file = object(key);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads an object through the S3 API (the server then keeps its MD5 ETag, as S3 does). */
    public static void upload(String key, byte[] content) {
        var config = ConfigProvider.getConfig();
        try (S3AsyncClient client = S3AsyncClient.builder()
                .endpointOverride(URI.create(endpoint()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        config.getValue(ACCESS_KEY_ENV, String.class), secret())))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build()) {
            client.putObject(b -> b.bucket(BUCKET).key(key), AsyncRequestBody.fromBytes(content)).join();
        }
    }

    /** The file behind an object of the bucket (which may not exist). */
    public static Path object(String key) {
        return Path.of(ConfigProvider.getConfig().getValue(BASEDIR, String.class)).resolve(BUCKET).resolve(key);
    }
}
