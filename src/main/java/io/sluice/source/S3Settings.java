package io.sluice.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.sluice.api.SluiceException;

/**
 * The configuration of an {@code s3} connector. Credentials are never part of it: only the names of
 * the environment variables holding them (both or neither; neither means the AWS SDK's default
 * provider chain).
 *
 * @param endpoint null for AWS itself; else the S3-compatible store's base URL
 */
public record S3Settings(String bucket, String region, URI endpoint, boolean pathStyle,
        String accessKeyIdEnv, String secretAccessKeyEnv) {

    static final String BUCKET = "bucket";
    static final String REGION = "region";
    static final String ENDPOINT = "endpoint";
    static final String PATH_STYLE = "pathStyle";
    static final String ACCESS_KEY_ID_ENV = "accessKeyIdEnv";
    static final String SECRET_ACCESS_KEY_ENV = "secretAccessKeyEnv";
    private static final Set<String> KEYS = Set.of(BUCKET, REGION, ENDPOINT, PATH_STYLE, ACCESS_KEY_ID_ENV,
            SECRET_ACCESS_KEY_ENV);
    /** Loose enough for S3-compatible stores with legacy names, strict enough to keep paths and URLs out. */
    private static final String BUCKET_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,254}";
    private static final String REGION_PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";
    private static final String ENV_NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_]{0,255}";

    /** Whether credentials come from named environment variables rather than the SDK's default chain. */
    public boolean namedCredentials() {
        return accessKeyIdEnv != null;
    }

    /** Validates a user-supplied configuration; 400 naming the field for anything wrong. */
    public static S3Settings parse(Map<String, Object> config) {
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw SluiceException.invalidField("config." + key, "Unknown s3 connector setting '" + key
                        + "' (allowed: bucket, region, endpoint, pathStyle, accessKeyIdEnv, secretAccessKeyEnv)");
            }
        }
        String bucket = string(config, BUCKET, BUCKET_PATTERN,
                "an S3 bucket name: letters, digits, '.', '-', '_'", true);
        String region = string(config, REGION, REGION_PATTERN, "a region name such as us-east-1", true);
        String keyEnv = string(config, ACCESS_KEY_ID_ENV, ENV_NAME_PATTERN,
                "the name of an environment variable (letters, digits, '_')", false);
        String secretEnv = string(config, SECRET_ACCESS_KEY_ENV, ENV_NAME_PATTERN,
                "the name of an environment variable (letters, digits, '_')", false);
        if ((keyEnv == null) != (secretEnv == null)) {
            String missing = keyEnv == null ? ACCESS_KEY_ID_ENV : SECRET_ACCESS_KEY_ENV;
            throw SluiceException.invalidField("config." + missing, "config.accessKeyIdEnv and "
                    + "config.secretAccessKeyEnv go together: give both, or neither for the AWS SDK's default credentials");
        }
        Object pathStyle = config.get(PATH_STYLE);
        if (pathStyle != null && !(pathStyle instanceof Boolean)) {
            throw SluiceException.invalidField("config." + PATH_STYLE, "config.pathStyle must be true or false");
        }
        return new S3Settings(bucket, region, endpoint(config.get(ENDPOINT)), Boolean.TRUE.equals(pathStyle),
                keyEnv, secretEnv);
    }

    /** The stored (and shown) form: names of environment variables, never their values. */
    public Map<String, Object> toConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(BUCKET, bucket);
        config.put(REGION, region);
        if (endpoint != null) {
            config.put(ENDPOINT, endpoint.toString());
        }
        config.put(PATH_STYLE, pathStyle);
        if (namedCredentials()) {
            config.put(ACCESS_KEY_ID_ENV, accessKeyIdEnv);
            config.put(SECRET_ACCESS_KEY_ENV, secretAccessKeyEnv);
        }
        return config;
    }

    /** Where requests go, for messages. */
    public String endpointForHumans() {
        return endpoint != null ? endpoint.toString() : "https://s3." + region + ".amazonaws.com";
    }

    private static String string(Map<String, Object> config, String key, String pattern, String expected,
            boolean required) {
        Object value = config.get(key);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s) || !s.matches(pattern)) {
            throw SluiceException.invalidField("config." + key, (value == null ? "An s3 connector needs config." + key
                    : "config." + key + " is not valid") + ": " + expected);
        }
        return s;
    }

    /** An absolute http(s) URL without credentials, query or fragment. The value is not echoed back. */
    private static URI endpoint(Object value) {
        if (value == null) {
            return null;
        }
        String why = null;
        URI uri = null;
        if (!(value instanceof String s) || s.isBlank()) {
            why = "must be a URL such as http://127.0.0.1:9000";
        } else {
            try {
                uri = new URI(s);
                if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                    why = "must be an http:// or https:// URL";
                } else if (uri.getHost() == null) {
                    why = "has no host name";
                } else if (uri.getRawUserInfo() != null) {
                    why = "must not contain credentials (use accessKeyIdEnv and secretAccessKeyEnv)";
                } else if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    why = "must not have a query or fragment";
                }
            } catch (URISyntaxException e) {
                why = "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")";
            }
        }
        if (why != null) {
            throw SluiceException.invalidField("config." + ENDPOINT, "config.endpoint " + why);
        }
        return uri;
    }
}
