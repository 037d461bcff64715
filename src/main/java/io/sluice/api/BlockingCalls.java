package io.sluice.api;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * The one way short blocking calls (file system, ZooKeeper, SDK and catalog calls, token checks)
 * leave the event loop: on a worker thread of Quarkus' pool, with the result delivered back on the
 * caller's Vert.x context, so a reactive Hibernate session can go on using it. (Long-running work
 * has threads of its own: a run's on RunThreads.)
 */
@ApplicationScoped
public class BlockingCalls {
    public <T> Uni<T> run(Supplier<T> work) {
        return offload(Uni.createFrom().item(work));
    }

    /** Subscribes to {@code work} on a worker thread; its outcome comes back on the caller's Vert.x context, if any. */
    public static <T> Uni<T> offload(Uni<T> work) {
        return Uni.createFrom().deferred(() -> {
            Context caller = Vertx.currentContext();
            Uni<T> offloaded = work.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
            return caller == null ? offloaded : offloaded.emitOn(task -> caller.runOnContext(ignored -> task.run()));
        });
    }

    /**
     * The other way round: from a plain (non Vert.x) thread, subscribes to reactive work on a fresh
     * Vert.x context (Hibernate Reactive needs one) and waits for its item. BLOCKING.
     * <p>
     * Always a new context, never the caller's: a thread may carry a propagated one (an async CDI
     * observer runs with the context of whoever fired the event), and that context can hold an open
     * Hibernate Reactive session mid-transaction. Panache would join that session, and two callers
     * interleaving on one session lose writes (the reconciler's /clear lost its status update so).
     */
    public static <T> T awaitOnContext(Supplier<Uni<T>> work) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("awaitOnContext blocks: it must not be called on an event loop");
        }
        Context fresh = VertxContext.createNewDuplicatedContext(
                Arc.container().instance(io.vertx.core.Vertx.class).get().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(fresh, true);
        return Uni.createFrom().<T>emitter(emitter -> fresh.runOnContext(ignored -> {
            ManagedContext requests = Arc.container().requestContext();
            boolean activated = !requests.isActive();
            if (activated) {
                requests.activate();
            }
            try {
                work.get().onTermination().invoke(() -> {
                    if (activated) {
                        requests.terminate();
                    }
                }).subscribe().with(emitter::complete, emitter::fail);
            } catch (RuntimeException e) {
                if (activated) {
                    requests.terminate();
                }
                emitter.fail(e);
            }
        })).await().indefinitely();
    }
}
