package io.sluice.pipeline.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Every transition of every status family, allowed and refused, against the seeds' diagrams. */
class StatusTransitionsTest {

    @Test
    void resourcesFollowTheSeedDiagram() {
        assertExactly(ResourcesStatus.Stopped, EnumSet.of(ResourcesStatus.Provisioning, ResourcesStatus.Stopping));
        assertExactly(ResourcesStatus.Provisioning, EnumSet.of(ResourcesStatus.Provisioned, ResourcesStatus.Stopping));
        assertExactly(ResourcesStatus.Provisioned, EnumSet.of(ResourcesStatus.Stopping));
        assertExactly(ResourcesStatus.Stopping, EnumSet.of(ResourcesStatus.Stopped));
    }

    private static void assertExactly(ResourcesStatus from, Set<ResourcesStatus> allowed) {
        for (ResourcesStatus to : ResourcesStatus.values()) {
            assertEquals(allowed.contains(to), from.canBecome(to), from + " -> " + to);
        }
    }

    @Test
    void storageCyclesThroughClearing() {
        assertTrue(StorageStatus.Cleared.canBecome(StorageStatus.InUse));
        assertTrue(StorageStatus.InUse.canBecome(StorageStatus.Clearing));
        assertTrue(StorageStatus.Clearing.canBecome(StorageStatus.Cleared));
        assertFalse(StorageStatus.Cleared.canBecome(StorageStatus.Clearing));
        assertFalse(StorageStatus.InUse.canBecome(StorageStatus.Cleared));
        assertFalse(StorageStatus.Clearing.canBecome(StorageStatus.InUse));
    }

    @Test
    void programCompilesStepByStepAndAnyEditResetsIt() {
        assertTrue(ProgramStatus.Pending.canBecome(ProgramStatus.CompilingSql));
        assertTrue(ProgramStatus.CompilingSql.canBecome(ProgramStatus.SqlCompiled));
        assertTrue(ProgramStatus.CompilingSql.canBecome(ProgramStatus.SqlError));
        assertTrue(ProgramStatus.CompilingSql.canBecome(ProgramStatus.SystemError));
        assertTrue(ProgramStatus.SqlCompiled.canBecome(ProgramStatus.Success));
        assertFalse(ProgramStatus.Pending.canBecome(ProgramStatus.Success));
        assertFalse(ProgramStatus.Pending.canBecome(ProgramStatus.SqlError));
        assertFalse(ProgramStatus.SqlError.canBecome(ProgramStatus.Success));
        assertFalse(ProgramStatus.Success.canBecome(ProgramStatus.CompilingSql));
        for (ProgramStatus any : ProgramStatus.values()) {
            assertTrue(any.canBecome(ProgramStatus.Pending), any + " -> Pending");
        }
    }

    @Test
    void runtimeMovesBetweenRunningPausedAndUnavailable() {
        assertTrue(RuntimeStatus.Initializing.canBecome(RuntimeStatus.Running));
        assertTrue(RuntimeStatus.Initializing.canBecome(RuntimeStatus.Paused));
        assertTrue(RuntimeStatus.Initializing.canBecome(RuntimeStatus.Unavailable));
        assertTrue(RuntimeStatus.Running.canBecome(RuntimeStatus.Paused));
        assertTrue(RuntimeStatus.Paused.canBecome(RuntimeStatus.Running));
        assertTrue(RuntimeStatus.Running.canBecome(RuntimeStatus.Unavailable));
        assertTrue(RuntimeStatus.Unavailable.canBecome(RuntimeStatus.Running));
        assertFalse(RuntimeStatus.Running.canBecome(RuntimeStatus.Initializing));
        assertFalse(RuntimeStatus.Paused.canBecome(RuntimeStatus.Initializing));
        assertFalse(RuntimeStatus.Suspended.canBecome(RuntimeStatus.Running));
    }

    @Test
    void combinedStatusesAreDerived() {
        assertEquals(DeploymentStatus.Stopped, DeploymentStatus.of(ResourcesStatus.Stopped, null));
        assertEquals(DeploymentStatus.Provisioning, DeploymentStatus.of(ResourcesStatus.Provisioning, null));
        assertEquals(DeploymentStatus.Initializing, DeploymentStatus.of(ResourcesStatus.Provisioned, RuntimeStatus.Initializing));
        assertEquals(DeploymentStatus.Paused, DeploymentStatus.of(ResourcesStatus.Provisioned, RuntimeStatus.Paused));
        assertEquals(DeploymentStatus.Unavailable, DeploymentStatus.of(ResourcesStatus.Provisioned, RuntimeStatus.Unavailable));
        assertEquals(DeploymentStatus.Stopping, DeploymentStatus.of(ResourcesStatus.Stopping, null));
        assertEquals(DeploymentDesiredStatus.Stopped, DeploymentDesiredStatus.of(ResourcesDesiredStatus.Stopped, null));
        assertEquals(DeploymentDesiredStatus.Paused,
                DeploymentDesiredStatus.of(ResourcesDesiredStatus.Provisioned, RuntimeDesiredStatus.Paused));
        assertEquals(DeploymentDesiredStatus.Running,
                DeploymentDesiredStatus.of(ResourcesDesiredStatus.Provisioned, RuntimeDesiredStatus.Running));
    }
}
