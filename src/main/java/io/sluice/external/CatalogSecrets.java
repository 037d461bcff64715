package io.sluice.external;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.sluice.api.SluiceException;
import io.sluice.source.S3Config;

/**
 * Secrets of an external table's catalog config ({@code catalog.jdbc.password},
 * {@code catalog.s3.secret-access-key}, REST {@code token} and {@code credential}, ...) are never
 * stored: the config names an environment variable instead, {@code catalog.<property>-env}, resolved
 * when the catalog is opened. Like the s3 connector's credentials, only variables starting with one
 * of {@code sluice.s3.credential-variable-prefixes} may be named, so a table config cannot make
 * Sluice send any other variable of its environment to a catalog it chooses. Plain secrets, and
 * passwords inside the catalog URI, are refused with 400.
 */
@ApplicationScoped
public class CatalogSecrets {
    /** Suffix of a property naming the environment variable that holds the property's value. */
    public static final String ENV_SUFFIX = "-env";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    /** Last parts of property names that hold secrets (Iceberg's JDBC, S3, REST OAuth2 and SigV4 settings). */
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "credential",
            "access-key-id", "session-key", "private-key");
    /** A password in a JDBC URL's query ({@code ?password=x}, {@code &password=x}). */
    private static final Pattern URI_PASSWORD = Pattern.compile("(?i)([?&;]password=)[^&;]*");

    @Inject
    S3Config s3;
    @Inject
    Config properties;

    /** Whether a catalog property (without {@code catalog.}) holds a secret. */
    static boolean isSecret(String property) {
        String p = property.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(p::contains);
    }

    /** 400 for a plain secret, a password in the URI, or a {@code -env} entry naming a variable not allowed. */
    public void check(SyncTaskConfig config) {
        config.catalog().forEach((property, value) -> {
            String field = "task.taskTypeConfigsMap." + SyncTaskConfig.TASK_TYPE + "." + SyncTaskConfig.CATALOG_PREFIX + property;
            if (property.endsWith(ENV_SUFFIX)) {
                if (!ENV_NAME.matcher(value).matches() || !s3.allowsCredentialVariable(value)) {
                    throw SluiceException.invalidField(field, field + " must name an environment variable starting with "
                            + String.join(", ", s3.credentialVariablePrefixes())
                            + " (sluice.s3.credential-variable-prefixes), not '" + value + "'");
                }
            } else if (isSecret(property)) {
                throw SluiceException.invalidField(field, field + " is a secret: Sluice does not store secrets; put it in an"
                        + " environment variable and name that variable in " + field + ENV_SUFFIX);
            }
        });
        String uri = config.catalog().get("uri");
        if (uri != null && (URI_PASSWORD.matcher(uri).find() || hasPasswordInUserInfo(uri))) {
            String field = "task.taskTypeConfigsMap." + SyncTaskConfig.TASK_TYPE + ".catalog.uri";
            throw SluiceException.invalidField(field, field + " holds a password: Sluice does not store secrets; give the"
                    + " password in an environment variable named by catalog.jdbc.password-env");
        }
    }

    /** The catalog properties with each {@code <property>-env} replaced by {@code <property>} and the variable's value. */
    public Map<String, String> resolve(Map<String, String> catalog) {
        Map<String, String> resolved = new LinkedHashMap<>();
        catalog.forEach((property, value) -> {
            if (property.endsWith(ENV_SUFFIX)) {
                String target = property.substring(0, property.length() - ENV_SUFFIX.length());
                resolved.put(target, variable(value, property));
            } else {
                resolved.putIfAbsent(property, value);
            }
        });
        return resolved;
    }

    private String variable(String name, String property) {
        // Checked again here: the table may predate a narrower sluice.s3.credential-variable-prefixes.
        if (!s3.allowsCredentialVariable(name)) {
            throw SluiceException.badRequest("CatalogSecretNotAllowed", "Environment variable " + name + " (catalog."
                    + property + ") is not one table configs may name (sluice.s3.credential-variable-prefixes)",
                    Map.of("property", "catalog." + property));
        }
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            value = Optional.ofNullable(properties.getConfigValue(name).getValue()).orElse("");
        }
        if (value.isEmpty()) {
            throw SluiceException.badRequest("CatalogSecretMissing", "Environment variable " + name + " (catalog." + property
                    + ") is not set", Map.of("property", "catalog." + property));
        }
        return value;
    }

    private static boolean hasPasswordInUserInfo(String uri) {
        try {
            String rest = uri.startsWith("jdbc:") ? uri.substring("jdbc:".length()) : uri;
            String userInfo = URI.create(rest).getRawUserInfo();
            return userInfo != null && userInfo.contains(":");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A URI fit to show: without user info nor password parameters (tables created before secrets were refused). */
    public static String shown(String uri) {
        if (uri == null) {
            return null;
        }
        String masked = URI_PASSWORD.matcher(uri).replaceAll("$1***");
        return masked.replaceAll("//[^/@?#]*@", "//");
    }
}
