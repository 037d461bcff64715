package io.sluice.api;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Runs blocking code (file system, ZooKeeper, SDK calls) on a worker thread and delivers its result
 * back on the caller's Vert.x context, so a reactive Hibernate session can go on using it.
 */
@ApplicationScoped
public class BlockingCalls {
    @Inject
    Vertx vertx;

    public <T> Uni<T> run(Supplier<T> work) {
        return vertx.executeBlocking(Uni.createFrom().item(work), false);
    }

    /**
     * The other way round: from a plain (non Vert.x) thread, subscribes to reactive work on a fresh
     * Vert.x context (Hibernate Reactive needs one) and waits for its item. BLOCKING.
     */
    public static <T> T awaitOnContext(Supplier<Uni<T>> work) {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(work::get);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
