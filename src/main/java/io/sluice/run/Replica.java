package io.sluice.run;

import java.security.SecureRandom;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * This process among the replicas that claim runs and partitions: host name, process id and a
 * random part, since a restarted container has the same host name and, as PID 1, the same pid, and
 * must not take its predecessor's claims for its own.
 */
@ApplicationScoped
public class Replica {
    private final String id = idOfThisProcess();

    public String id() {
        return id;
    }

    private static String idOfThisProcess() {
        // Computed at run time (a native image must not bake in the build machine's name).
        String host = System.getenv("HOSTNAME");
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return (host == null || host.isBlank() ? "localhost" : host) + "/" + ProcessHandle.current().pid() + "/"
                + HexFormat.of().formatHex(random);
    }
}
