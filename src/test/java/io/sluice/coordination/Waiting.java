package io.sluice.coordination;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition every few milliseconds until it holds or the time is up. */
final class Waiting {
    private Waiting() {
    }

    static void until(Duration max, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Not within " + max + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
