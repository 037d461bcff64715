package io.sluice.coordination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class ConnectStringTest {
    @Test
    void serversOnly() {
        assertEquals(new ConnectString("zk-0:2181,zk-1:2181", Optional.empty()),
                ConnectString.parse(" zk-0:2181,zk-1:2181 "));
    }

    @Test
    void chrootBecomesANamespace() {
        assertEquals(new ConnectString("zk-0:2181,zk-1:2181", Optional.of("sluice")),
                ConnectString.parse("zk-0:2181,zk-1:2181/sluice"));
        assertEquals(new ConnectString("zk:2181", Optional.of("apps/sluice")), ConnectString.parse("zk:2181/apps/sluice/"));
        assertEquals(new ConnectString("zk:2181", Optional.empty()), ConnectString.parse("zk:2181/"));
    }

    @Test
    void rejectsWhatZooKeeperWouldReject() {
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("/sluice"));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("zk:2181/a//b"));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("zk:2181/a/./b"));
    }
}
