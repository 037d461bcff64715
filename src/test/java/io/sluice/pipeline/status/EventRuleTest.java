package io.sluice.pipeline.status;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The seed's three rules, with explicit times instead of sleeps. */
class EventRuleTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final StatusSnapshot STOPPED = new StatusSnapshot(ResourcesStatus.Stopped, null,
            ResourcesDesiredStatus.Stopped, null, null, null, null, ProgramStatus.Success, StorageStatus.Cleared, null);

    @Test
    void firstObservationIsRecorded() {
        assertTrue(EventRule.shouldRecord(null, null, STOPPED, T0));
    }

    @Test
    void anyStatusChangeIsRecordedAtOnce() {
        StatusSnapshot provisioning = new StatusSnapshot(ResourcesStatus.Provisioning, null,
                ResourcesDesiredStatus.Provisioned, null, null, null, null, ProgramStatus.Success, StorageStatus.InUse, null);
        assertTrue(EventRule.shouldRecord(STOPPED, T0, provisioning, T0.plusMillis(1)));
        StatusSnapshot desiredOnly = new StatusSnapshot(ResourcesStatus.Stopped, null,
                ResourcesDesiredStatus.Provisioned, null, null, null, null, ProgramStatus.Success, StorageStatus.Cleared, null);
        assertTrue(EventRule.shouldRecord(STOPPED, T0, desiredOnly, T0.plusMillis(1)));
        StatusSnapshot withError = new StatusSnapshot(ResourcesStatus.Stopped, null, ResourcesDesiredStatus.Stopped,
                null, null, null, "{\"message\":\"x\"}", ProgramStatus.Success, StorageStatus.Cleared, null);
        assertTrue(EventRule.shouldRecord(STOPPED, T0, withError, T0.plusMillis(1)));
    }

    @Test
    void detailsOnlyChangeWaitsTenSeconds() {
        StatusSnapshot details = new StatusSnapshot(ResourcesStatus.Stopped, null, ResourcesDesiredStatus.Stopped,
                null, null, null, null, ProgramStatus.Success, StorageStatus.Cleared, "{\"size_bytes\":8192}");
        assertFalse(EventRule.shouldRecord(STOPPED, T0, details, T0.plus(Duration.ofMillis(9_999))));
        assertTrue(EventRule.shouldRecord(STOPPED, T0, details, T0.plus(Duration.ofSeconds(10))));
    }

    @Test
    void nothingChangedIsRecordedAfterTenMinutes() {
        assertFalse(EventRule.shouldRecord(STOPPED, T0, STOPPED, T0.plusSeconds(11)));
        assertFalse(EventRule.shouldRecord(STOPPED, T0, STOPPED, T0.plus(Duration.ofMinutes(10))));
        assertTrue(EventRule.shouldRecord(STOPPED, T0, STOPPED, T0.plus(Duration.ofMinutes(10)).plusMillis(1)));
    }
}
