package io.sluice.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.api.SluiceException;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The objects of an {@code s3} connector's bucket, read through an {@link S3AsyncClient}. Requests are
 * submitted from a worker thread (building the client and resolving credentials may read files or
 * call an instance metadata service) and their results delivered on the caller's Vert.x context.
 */
final class S3Store implements SourceStore, AutoCloseable {
    private final String connector;
    private final S3Settings settings;
    private final S3Clients clients;
    private final AwsRequestOverrideConfiguration timeout;
    private S3AsyncClient client;
    private boolean closed;

    S3Store(String connector, S3Settings settings, S3Clients clients) {
        this.connector = connector;
        this.settings = settings;
        this.clients = clients;
        this.timeout = AwsRequestOverrideConfiguration.builder().apiCallTimeout(clients.config().requestTimeout()).build();
    }

    S3Settings settings() {
        return settings;
    }

    @Override
    public Uni<List<SourceFile>> list(String prefix, String glob) {
        return Uni.createFrom().deferred(() -> {
            Predicate<String> names = SourceStore.nameMatcher(glob);
            String folder = SourceStore.folder(prefix);
            String keyPrefix = folder.isEmpty() ? null : key(folder) + "/";
            return Multi.createBy().repeating()
                    .uni(AtomicReference<String>::new, token -> call(c -> c.listObjectsV2(b -> b.bucket(settings.bucket())
                            .prefix(keyPrefix).continuationToken(token.get()).overrideConfiguration(timeout)))
                            .invoke(page -> token.set(page.nextContinuationToken())))
                    .whilst(page -> Boolean.TRUE.equals(page.isTruncated()) && page.nextContinuationToken() != null)
                    .onItem().transformToIterable(ListObjectsV2Response::contents)
                    .filter(o -> !o.key().endsWith("/"))
                    .map(S3Store::file)
                    .filter(f -> names.test(f.name()))
                    .collect().asList();
        }).map(files -> {
            files.sort(Comparator.comparing(SourceFile::path));
            return files;
        }).onFailure().transform(this::unreachable);
    }

    @Override
    public Uni<Optional<SourceFile>> stat(String path) {
        return Uni.createFrom().item(() -> key(path))
                .chain(key -> call(c -> c.headObject(b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(timeout)))
                        .map(h -> Optional.of(file(key, h.contentLength(), h.eTag(), h.lastModified()))))
                .onFailure(e -> status(e) == 404).recoverWithItem(Optional.empty())
                .onFailure().transform(this::unreachable);
    }

    @Override
    public InputStream open(SourceFile file) throws IOException {
        return open(file, get(file));
    }

    @Override
    public InputStream open(SourceFile file, long offset, long length) throws IOException {
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        return open(file, get(file).toBuilder().range("bytes=" + offset + "-" + (offset + length - 1)).build());
    }

    private InputStream open(SourceFile file, GetObjectRequest request) throws IOException {
        SourceErrors.requireBlockingAllowed();
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = client().getObject(request, AsyncResponseTransformer.toBlockingInputStream()).join();
        } catch (RuntimeException e) {
            throw readFailure(file, e);
        }
        if (!sameEtag(file, in.response())) {
            in.abort();
            throw changed(file);
        }
        return in;
    }

    @Override
    public LocalCopy download(SourceFile file, Path dir) throws IOException {
        SourceErrors.requireBlockingAllowed();
        String name = file.name().replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = dir.resolve(UUID.randomUUID() + "-" + name.substring(Math.max(0, name.length() - 100)));
        GetObjectResponse response;
        try {
            response = client().getObject(get(file), AsyncResponseTransformer.toFile(target)).join();
        } catch (RuntimeException e) {
            throw readFailure(file, e);
        }
        LocalCopy copy = new LocalCopy(target, true);
        if (!sameEtag(file, response)) {
            copy.close();
            throw changed(file);
        }
        return copy;
    }

    @Override
    public Uni<Void> delete(String path) {
        return Uni.createFrom().item(() -> key(path))
                .chain(key -> call(c -> c.deleteObject(b -> b.bucket(settings.bucket()).key(key).overrideConfiguration(timeout))))
                .replaceWithVoid()
                .onFailure(e -> "NoSuchKey".equals(errorCode(e))).recoverWithNull()
                .onFailure().transform(this::unreachable);
    }

    /** HeadBucket: the endpoint answers, the bucket exists, the credentials may use it. Any prefix can hold objects. */
    @Override
    public Uni<Optional<String>> problem(String prefix) {
        return call(c -> c.headBucket(b -> b.bucket(settings.bucket()).overrideConfiguration(timeout)))
                .map(ok -> Optional.<String>empty())
                .onFailure().recoverWithItem(e -> Optional.of(reason(e)));
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** The client, built on first use; blocking the first time. */
    private synchronized S3AsyncClient client() {
        if (closed) {
            throw new Unusable("its configuration changed while this request used the previous one; retry");
        }
        if (client == null) {
            try {
                client = clients.create(settings);
            } catch (Unusable e) {
                throw e;
            } catch (RuntimeException e) {
                throw new Unusable("no S3 client can be built for it: " + e.getMessage());
            }
        }
        return client;
    }

    /** Submits a request from a worker thread; the result comes back on the caller's Vert.x context, if any. */
    private <T> Uni<T> call(Function<S3AsyncClient, CompletableFuture<T>> request) {
        return io.sluice.api.BlockingCalls.offload(Uni.createFrom().completionStage(() -> request.apply(client())));
    }

    /** Pinned to the listed version, unless the store gave no ETag (then the response is checked instead). */
    private GetObjectRequest get(SourceFile file) {
        boolean derived = file.etag() == null || file.etag().equals(derivedEtag(file.size(), file.lastModified()));
        return GetObjectRequest.builder().bucket(settings.bucket()).key(key(file.path()))
                .ifMatch(derived ? null : file.etag()).build();
    }

    private static SourceFile file(S3Object o) {
        return file(o.key(), o.size(), o.eTag(), o.lastModified());
    }

    private static SourceFile file(String key, Long size, String etag, Instant lastModified) {
        long bytes = size == null ? 0 : size;
        return new SourceFile(key, bytes, etag == null || etag.isEmpty() ? derivedEtag(bytes, lastModified) : etag,
                lastModified);
    }

    /**
     * For stores that send no ETag: size and modification time, in whole seconds (listings give
     * milliseconds, HEAD and GET only seconds).
     */
    private static String derivedEtag(long size, Instant lastModified) {
        return lastModified == null ? null : Long.toHexString(size) + "-" + Long.toHexString(lastModified.getEpochSecond());
    }

    /** A path as an object key: relative, without '..' segments, naming an object rather than a folder. */
    private static String key(String path) {
        String key = path == null ? "" : path;
        if (key.startsWith("/") || List.of(key.split("/")).contains("..")) {
            throw LocalRoot.escape(key);
        }
        if (key.isEmpty()) {
            throw SluiceException.badRequest("NotAFile", "A path naming a file is required", java.util.Map.of("path", key));
        }
        return key;
    }

    private Throwable unreachable(Throwable failure) {
        return failure instanceof SluiceException ? failure : SourceErrors.unreachable(connector, reason(failure));
    }

    private IOException readFailure(SourceFile file, RuntimeException failure) {
        String where = "s3://" + settings.bucket() + "/" + file.path();
        return switch (status(failure)) {
            case 404 -> "NoSuchBucket".equals(errorCode(failure))
                    ? new IOException(where + ": " + reason(failure)) : new NoSuchFileException(where);
            case 412 -> changed(file);
            default -> new IOException(where + ": " + reason(failure), cause(failure));
        };
    }

    /** Stores that ignore If-Match still say which version they sent. */
    private static boolean sameEtag(SourceFile file, GetObjectResponse response) {
        String etag = file(file.path(), objectSize(response), response.eTag(), response.lastModified()).etag();
        return file.etag() == null || etag == null || file.etag().equals(etag);
    }

    /** The whole object's size, also for a ranged GET ("Content-Range: bytes 0-99/1234"). */
    private static Long objectSize(GetObjectResponse response) {
        String range = response.contentRange();
        if (range != null && range.contains("/") && !range.endsWith("/*")) {
            return Long.parseLong(range.substring(range.lastIndexOf('/') + 1).trim());
        }
        return response.contentLength();
    }

    private IOException changed(SourceFile file) {
        return new IOException("s3://" + settings.bucket() + "/" + file.path() + " changed since it was listed (ETag "
                + file.etag() + ")");
    }

    /** Why a request failed, for people: no stack traces, no secrets. */
    String reason(Throwable failure) {
        Throwable e = cause(failure);
        String bucket = "bucket '" + settings.bucket() + "'";
        if (e instanceof Unusable) {
            return e.getMessage();
        }
        if (e instanceof S3Exception s3) {
            String code = errorCode(s3);
            String named = code == null ? "HTTP " + s3.statusCode() : "HTTP " + s3.statusCode() + " " + code;
            if (s3.statusCode() == 404 && (code == null || "NoSuchBucket".equals(code))) {
                return bucket + " does not exist at " + settings.endpointForHumans();
            }
            if (s3.statusCode() == 403 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
                return "access to " + bucket + " was denied (" + named + "): check " + credentialSource()
                        + " and the bucket's permissions";
            }
            if (s3.statusCode() == 301 || "AuthorizationHeaderMalformed".equals(code)) {
                return bucket + " is not in region '" + settings.region() + "' (" + named + ")";
            }
            String message = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
            return settings.endpointForHumans() + " answered " + named + (message == null ? "" : ": " + message);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return settings.endpointForHumans() + " did not answer within " + clients.config().requestTimeout().toSeconds() + " s";
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return "the AWS SDK's default provider chain found no credentials: set config.accessKeyIdEnv and "
                    + "config.secretAccessKeyEnv, or give the service credentials (AWS_ACCESS_KEY_ID, a profile, a role)";
        }
        if (e instanceof SdkClientException) {
            return settings.endpointForHumans() + " cannot be reached: " + e.getMessage();
        }
        return e.toString();
    }

    private String credentialSource() {
        return settings.namedCredentials()
                ? "the credentials in the environment variables " + settings.accessKeyIdEnv() + " and " + settings.secretAccessKeyEnv()
                : "the credentials of the AWS SDK's default provider chain";
    }

    private static Throwable cause(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static int status(Throwable failure) {
        return cause(failure) instanceof S3Exception s3 ? s3.statusCode() : 0;
    }

    private static String errorCode(Throwable failure) {
        return cause(failure) instanceof S3Exception s3 && s3.awsErrorDetails() != null
                ? s3.awsErrorDetails().errorCode() : null;
    }

    /** The connector cannot be used as configured (a credential variable is not set, the client is closed). */
    static final class Unusable extends RuntimeException {
        Unusable(String reason) {
            super(reason, null, false, false);
        }
    }
}
