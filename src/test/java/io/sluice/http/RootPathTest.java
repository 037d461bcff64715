package io.sluice.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The pure parts of the run-time prefix; the served behaviour is in IngressPrefixTest and OperationsIT. */
class RootPathTest {
    @Test
    void theConfiguredPrefixIsNormalized() {
        assertEquals(Optional.of("/api/pinot"), RootPathConfig.normalize(Optional.of("/api/pinot/")));
        assertEquals(Optional.of("/api/pinot"), RootPathConfig.normalize(Optional.of(" api/pinot")));
        assertEquals(Optional.empty(), RootPathConfig.normalize(Optional.of("/")));
        assertEquals(Optional.empty(), RootPathConfig.normalize(Optional.empty()));
    }

    @Test
    void locationsGainThePrefixOnce() {
        assertEquals("http://h:1/api/pinot/v0/x", RootPathRouting.withPrefix("http://h:1/v0/x", "/api/pinot"));
        assertEquals("http://h:1/api/pinot/v0/x", RootPathRouting.withPrefix("http://h:1/api/pinot/v0/x", "/api/pinot"));
        assertEquals("/api/pinot/v0/x?a=1", RootPathRouting.withPrefix("/v0/x?a=1", "/api/pinot"));
        assertEquals("http://h/api/pinot", RootPathRouting.withPrefix("http://h", "/api/pinot"));
        assertEquals("x/y", RootPathRouting.withPrefix("x/y", "/api/pinot"));
        assertEquals("http://h/api/pinot/api/pinotx", RootPathRouting.withPrefix("http://h/api/pinotx", "/api/pinot"),
                "a path that merely starts with the same letters is outside the prefix");
    }
}
