package io.sluice.coordination;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbeddedZooKeeperTest {
    @TempDir
    Path dir;

    @Test
    void dataSurvivesARestart() throws Exception {
        Path base = dir.resolve("zookeeper");
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(base); CuratorFramework client = connect(server)) {
            client.create().creatingParentsIfNeeded().forPath("/restart/probe", "kept".getBytes(UTF_8));
        }
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(base); CuratorFramework client = connect(server)) {
            assertArrayEquals("kept".getBytes(UTF_8), client.getData().forPath("/restart/probe"));
            client.setData().forPath("/restart/probe", "changed".getBytes(UTF_8));
        }
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(base); CuratorFramework client = connect(server)) {
            assertArrayEquals("changed".getBytes(UTF_8), client.getData().forPath("/restart/probe"));
        }
        assertTrue(Files.isDirectory(base.resolve("data/version-2")), "data lives under <base>/data");
        try (Stream<Path> files = Files.list(base)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("data", "sluice.lock"), names, "no generated configuration files pile up");
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(dir)) {
            assertEquals("127.0.0.1:" + server.port(), server.connectString());
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port()), 2_000);
            }
            InetAddress other = nonLoopbackAddress();
            if (other != null) {
                assertThrows(IOException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(other, server.port()), 2_000);
                    }
                }, "must not accept connections on " + other);
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDataIsRefused() throws Exception {
        try (EmbeddedZooKeeper first = EmbeddedZooKeeper.start(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedZooKeeper.start(dir));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            try (CuratorFramework client = connect(first)) {
                client.create().forPath("/still-serving");
            }
        }
        // Released on close: the directory can be used again.
        try (EmbeddedZooKeeper again = EmbeddedZooKeeper.start(dir); CuratorFramework client = connect(again)) {
            assertTrue(client.checkExists().forPath("/still-serving") != null);
        }
    }

    @Test
    void closeTwiceIsHarmless() {
        EmbeddedZooKeeper server = EmbeddedZooKeeper.start(dir);
        server.close();
        server.close();
    }

    static CuratorFramework connect(EmbeddedZooKeeper server) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(server.connectString())
                .sessionTimeoutMs(6_000)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryOneTime(100))
                .build();
        client.start();
        assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS), "connected to " + server.connectString());
        return client;
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        return java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> java.util.Collections.list(nic.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address)
                .findFirst().orElse(null);
    }
}
