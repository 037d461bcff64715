package io.sluice.live;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * The one way status endpoints answer without being polled: an {@code ETag} on every answer, 304
 * for a client that has it, a long-poll that answers as soon as a re-read differs, and a stream of
 * the differing reads for Server-Sent Events. Re-reads happen on a change notification (or the
 * re-check timer), never in a loop, and always on the request's own Vert.x context: reads through
 * Hibernate Reactive need it, and the request thread is never blocked.
 */
@ApplicationScoped
public class LiveReads {
    private static final Logger LOG = Logger.getLogger(LiveReads.class);

    @Inject
    ObjectMapper mapper;
    @Inject
    LiveConfig config;

    public LiveRequest request(String ifNoneMatch, String wait) {
        return LiveRequest.of(ifNoneMatch, wait, config.maxWait());
    }

    /**
     * The JSON of {@code view} and its ETag, computed without {@code clockFields}: fields derived from
     * the clock (a running run's duration) change at every read, not with the resource.
     */
    public Snapshot snapshot(Object view, String... clockFields) {
        try {
            JsonNode tree = mapper.valueToTree(view);
            byte[] body = mapper.writeValueAsBytes(tree);
            byte[] hashed = body;
            if (clockFields.length > 0 && tree instanceof ObjectNode object) {
                ObjectNode stable = object.deepCopy();
                stable.remove(java.util.List.of(clockFields));
                hashed = mapper.writeValueAsBytes(stable);
            }
            return new Snapshot(tree, body, etag(hashed));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * 200 with the body and ETag; 304 when the client has that ETag; with {@code ?wait=} and an ETag
     * the client has, the answer waits until a read differs (200) or the wait is over (304).
     *
     * @param changes notifications of the resource (may be empty: then only the re-check timer)
     */
    public Uni<Response> respond(LiveRequest request, Multi<?> changes, Duration recheck, Supplier<Uni<Snapshot>> read) {
        if (!request.waiting()) {
            return read.get().map(s -> request.has(s.etag()) ? notModified(s.etag()) : ok(s));
        }
        AtomicReference<String> last = new AtomicReference<>();
        return watch(changes, recheck, read)
                .invoke(s -> last.set(s.etag()))
                .select().where(s -> !request.has(s.etag()))
                .toUni()
                .ifNoItem().after(request.waitFor()).recoverWithItem((Snapshot) null)
                .map(s -> s != null ? ok(s) : notModified(last.get() != null ? last.get() : request.ifNoneMatch()));
    }

    /**
     * A read now, then a read after each notification or re-check tick, each passed on only when
     * its ETag differs from the one before. Notifications arriving during a read are folded into
     * one re-read.
     */
    public Multi<Snapshot> watch(Multi<?> changes, Duration recheck, Supplier<Uni<Snapshot>> read) {
        Executor here = onThisContext();
        // Subscribed in this order: no change committed after the first read can be missed.
        Multi<Object> triggers = Multi.createBy().merging().streams(
                changes.onItem().castTo(Object.class),
                Multi.createFrom().ticks().every(recheck).onItem().castTo(Object.class),
                Multi.createFrom().item((Object) "now"));
        return triggers.emitOn(here)
                .onOverflow().dropPreviousItems()
                .onItem().transformToUniAndConcatenate(t -> read.get())
                .skip().repetitions(Comparator.comparing(Snapshot::etag));
    }

    /** {@link #watch} that completes after the first snapshot {@code last} accepts (it is sent too). */
    public Multi<Snapshot> watchUntil(Multi<?> changes, Duration recheck, Supplier<Uni<Snapshot>> read,
            Predicate<Snapshot> last) {
        return Multi.createFrom().emitter(emitter -> {
            var subscription = watch(changes, recheck, read).subscribe().with(s -> {
                emitter.emit(s);
                if (last.test(s)) {
                    emitter.complete();
                }
            }, emitter::fail, emitter::complete);
            emitter.onTermination(subscription::cancel);
        });
    }

    /**
     * Sends {@code events} to a Server-Sent Events client, one at a time (the next once the last is
     * written), and closes the stream when they end; a client that goes away cancels them.
     * <p>
     * Why a sink and not a returned {@code Multi}: RESTEasy Reactive writes a stream's 200 headers
     * before it subscribes to the Multi, so a missing run or pipeline could only cut the stream. A
     * resource method that takes the sink and returns a {@code Uni} gets its headers only once that
     * Uni succeeds, so it looks the resource up first and a failure is the usual error answer (404
     * with the error body). Call this from that Uni's success.
     */
    public void stream(SseEventSink sink, Sse sse, Multi<OutboundSseEvent> events) {
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        // The JAX-RS way to hear of a client that went away: a broadcaster's onClose (here of one sink).
        SseBroadcaster closing = sse.newBroadcaster();
        closing.onClose(closed -> cancel(subscription));
        closing.register(sink);
        events.subscribe().withSubscriber(new MultiSubscriber<OutboundSseEvent>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                if (sink.isClosed()) {
                    s.cancel();
                } else {
                    s.request(1);
                }
            }

            @Override
            public void onItem(OutboundSseEvent event) {
                if (sink.isClosed()) {
                    cancel(subscription);
                    return;
                }
                sink.send(event).whenComplete((sent, failure) -> {
                    if (failure != null) {
                        cancel(subscription);
                        closeQuietly(sink);
                    } else {
                        subscription.get().request(1);
                    }
                });
            }

            @Override
            public void onFailure(Throwable failure) {
                // The headers are out: the client can only see the stream end. Not a client's mistake, not fatal either.
                LOG.warnf(failure, "A Server-Sent Events stream ended by a failure");
                closeQuietly(sink);
            }

            @Override
            public void onCompletion() {
                closeQuietly(sink);
            }
        });
    }

    private static void cancel(AtomicReference<Flow.Subscription> subscription) {
        Flow.Subscription s = subscription.get();
        if (s != null) {
            s.cancel();
        }
    }

    private static void closeQuietly(SseEventSink sink) {
        if (!sink.isClosed()) {
            sink.close();
        }
    }

    public OutboundSseEvent event(Sse sse, String name, String id, String json) {
        return sse.newEventBuilder().name(name).id(id).mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json).build();
    }

    public Duration recheck() {
        return config.recheckInterval();
    }

    private static Response ok(Snapshot s) {
        return Response.ok(s.body(), MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.ETAG, s.etag())
                // Caches may keep it, but must ask again (If-None-Match) before using it.
                .header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
    }

    private static Response notModified(String etag) {
        return Response.notModified().header(HttpHeaders.ETAG, etag).header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Executor onThisContext() {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(v -> task.run());
    }
}
