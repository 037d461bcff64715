package io.sluice.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;

import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * The authenticated caller of the current request, for resources and services:
 * {@code @Inject Caller caller; ... caller.name()}.
 *
 * <p>{@link AccessFilter} stores the {@link Identity} as the request property {@link #PROPERTY}
 * (readable from any {@code ContainerRequestContext}); this bean reads it when first used during the
 * request. Read it in the resource method itself (or pass the value on): like any request-scoped bean
 * it is not available in asynchronous callbacks that run after the request was suspended.
 */
@RequestScoped
public class Caller {
    /** Name of the request property holding the {@link Identity}. */
    public static final String PROPERTY = "io.sluice.security.identity";

    private Identity identity;

    @PostConstruct
    void load() {
        ResteasyReactiveRequestContext request = CurrentRequestManager.get();
        if (request != null && request.getProperty(PROPERTY) instanceof Identity found) {
            identity = found;
        }
    }

    /** The caller, or {@code null} outside an authenticated request. */
    public Identity identity() {
        return identity;
    }

    public boolean isAuthenticated() {
        return identity != null;
    }

    /** The API key's or the JWT principal's name; {@code null} when not authenticated. */
    public String name() {
        return identity == null ? null : identity.name();
    }

    /** The caller's role; {@code null} when not authenticated or when a JWT carries no known role. */
    public Role role() {
        return identity == null ? null : identity.role();
    }
}
