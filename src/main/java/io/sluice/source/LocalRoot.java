package io.sluice.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import io.sluice.api.SluiceException;

/**
 * The root directory of a {@code local} connector. Every path resolved through it stays inside it:
 * {@code ..}, absolute paths and symbolic links leading out are refused.
 */
public record LocalRoot(Path root) {

    /** Validates a user-supplied root: absolute, normalized, an existing directory. Blocking I/O. */
    public static LocalRoot of(String root) {
        if (root == null || root.isBlank()) {
            throw SluiceException.invalidField("config.root", "A local connector needs config.root, an absolute directory path");
        }
        Path path = Path.of(root);
        if (!path.isAbsolute()) {
            throw SluiceException.invalidField("config.root", "config.root must be an absolute path: " + root);
        }
        if (!Files.isDirectory(path)) {
            throw SluiceException.invalidField("config.root", "config.root is not an existing directory: " + root);
        }
        try {
            return new LocalRoot(path.toRealPath());
        } catch (IOException e) {
            throw SluiceException.invalidField("config.root", "config.root cannot be read: " + root);
        }
    }

    /**
     * Resolves a relative path (a prefix or file name from a pipeline) inside the root. Blocking I/O
     * when the path exists (symbolic links are followed to check where they lead).
     */
    public Path resolve(String relative) {
        String value = relative == null ? "" : relative;
        Path rel = Path.of(value);
        if (rel.isAbsolute()) {
            throw escape(value);
        }
        Path resolved = root.resolve(rel).normalize();
        if (!resolved.startsWith(root)) {
            throw escape(value);
        }
        if (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (!resolved.toRealPath().startsWith(root)) {
                    throw escape(value);
                }
            } catch (IOException e) {
                throw escape(value);
            }
        }
        return resolved;
    }

    /** Whether the root is still an existing, readable directory. Blocking I/O. */
    public boolean reachable() {
        return Files.isDirectory(root) && Files.isReadable(root);
    }

    /** 400 {@code PathOutsideConnectorRoot}. */
    static SluiceException escape(String value) {
        return SluiceException.badRequest("PathOutsideConnectorRoot",
                "Path '" + value + "' leads outside the connector's root", java.util.Map.of("path", value));
    }
}
