package io.sluice.run;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The threads runs block on: a run's own, its partitions', and the committer that writes a
 * partition's batch while its reader parses the next one. Daemon threads named {@code sluice-run-N}.
 */
@ApplicationScoped
class RunThreads {
    private final AtomicInteger count = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sluice-run-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** The same threads, for work chained with {@link java.util.concurrent.CompletableFuture}. */
    Executor executor() {
        return threads;
    }

    <T> Future<T> submit(Callable<T> work) {
        return threads.submit(work);
    }

    Future<?> submit(Runnable work) {
        return threads.submit(work);
    }

    /** Lets what runs finish (within {@code seconds}); false when some still ran then. */
    boolean shutdown(long seconds) throws InterruptedException {
        threads.shutdown();
        return threads.awaitTermination(seconds, TimeUnit.SECONDS);
    }
}
