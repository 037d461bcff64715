package io.sluice.coordination;

import java.util.Optional;

import org.apache.curator.utils.PathUtils;

/**
 * A ZooKeeper connect string split into its servers and its optional chroot
 * ({@code zk-0:2181,zk-1:2181/sluice} → {@code zk-0:2181,zk-1:2181} and {@code sluice}).
 *
 * <p>The chroot becomes a Curator namespace rather than staying in the connect string: ZooKeeper
 * requires a chroot node to exist already, while Curator creates its namespace node when needed.
 */
record ConnectString(String servers, Optional<String> namespace) {

    static ConnectString parse(String value) {
        String text = value == null ? "" : value.strip();
        int slash = text.indexOf('/');
        String servers = slash < 0 ? text : text.substring(0, slash);
        if (servers.isBlank()) {
            throw new IllegalArgumentException("sluice.zookeeper.connect names no server: '" + value + "'");
        }
        if (slash < 0) {
            return new ConnectString(servers, Optional.empty());
        }
        String chroot = text.substring(slash);
        while (chroot.length() > 1 && chroot.endsWith("/")) {
            chroot = chroot.substring(0, chroot.length() - 1);
        }
        if (chroot.equals("/")) {
            return new ConnectString(servers, Optional.empty());
        }
        try {
            PathUtils.validatePath(chroot);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sluice.zookeeper.connect has an invalid chroot '" + chroot + "': "
                    + e.getMessage(), e);
        }
        return new ConnectString(servers, Optional.of(chroot.substring(1)));
    }
}
