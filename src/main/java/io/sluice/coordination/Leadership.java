package io.sluice.coordination;

import java.io.IOException;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Whether this replica currently runs the singleton work (reconciler, monitor, schedules, pollers):
 * a Curator {@link LeaderLatch} on {@value #LATCH_PATH} among all replicas of the deployment.
 *
 * <p>Leadership is lost as soon as the ZooKeeper connection is suspended (Curator's standard error
 * policy), so two replicas never both believe they lead for longer than the connection takes to
 * notice; it is given up first thing at shutdown, so another replica takes over at once.
 */
@ApplicationScoped
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    /** The latch's ZooKeeper path; every replica of one deployment must agree on it. */
    public static final String LATCH_PATH = "/sluice/leader";
    /** After {@link Coordination} started. */
    static final int START_PRIORITY = Coordination.START_PRIORITY + 1;
    /** Before the default-priority shutdown observers, and well before {@link Coordination} stops. */
    static final int STOP_PRIORITY = Interceptor.Priority.APPLICATION;

    @Inject
    Coordination coordination;

    private final String participantId = participantIdOfThisProcess();
    private volatile LeaderLatch latch;
    private boolean stopped;

    void onStart(@Observes @Priority(START_PRIORITY) StartupEvent event) {
        start();
    }

    void onStop(@Observes @Priority(STOP_PRIORITY) ShutdownEvent event) {
        stop();
    }

    /**
     * Whether this replica leads right now. Cheap and non-blocking: call it at the start of every
     * singleton job run. False before start-up completed, while ZooKeeper is unreachable and
     * after shutdown began.
     */
    public boolean isLeader() {
        LeaderLatch current = latch;
        return current != null && current.hasLeadership();
    }

    /** This replica's participant id in the election (host name and process id). */
    public String participantId() {
        return participantId;
    }

    synchronized void start() {
        if (latch != null || stopped) {
            return;
        }
        LeaderLatch created = new LeaderLatch(coordination.client(), LATCH_PATH, participantId,
                LeaderLatch.CloseMode.NOTIFY_LEADER);
        created.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                LOG.infof("Gained leadership (%s): this replica runs the reconciler, monitor, schedules and pollers",
                        participantId);
            }

            @Override
            public void notLeader() {
                LOG.infof("Lost leadership (%s)", participantId);
            }
        });
        try {
            created.start();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot join the leader election at " + LATCH_PATH, e);
        }
        latch = created;
    }

    /** Leaves the election (giving up leadership if held). Safe to call more than once. */
    @PreDestroy
    synchronized void stop() {
        stopped = true;
        LeaderLatch current = latch;
        latch = null;
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Leaving the leader election: %s", e);
        }
    }

    private static String participantIdOfThisProcess() {
        // Computed at run time (a native image must not bake in the build machine's name).
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "localhost" : host) + "/" + ProcessHandle.current().pid();
    }
}
