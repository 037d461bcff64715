package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** {@link KeyRepeats#distinct}: which batches are known to repeat no key. */
class KeyRepeatsTest {
    @Test
    void aSingleKeyColumnIsDistinctUntilAValueComesTwice() {
        Object[][] columns = {new Long[] {3L, 1L, 2L, 1L}, new String[] {"a", "b", "c", "d"}};

        assertTrue(KeyRepeats.distinct(columns, new int[] {0}, 3));
        assertFalse(KeyRepeats.distinct(columns, new int[] {0}, 4));
    }

    @Test
    void aCompositeKeyRepeatsOnlyWhenEveryPartDoes() {
        UUID u = UUID.randomUUID();
        Object[][] columns = {new UUID[] {u, u, u}, new Integer[] {1, 2, 1}};

        assertTrue(KeyRepeats.distinct(columns, new int[] {0, 1}, 2));
        assertFalse(KeyRepeats.distinct(columns, new int[] {0, 1}, 3));
    }

    @Test
    void aNullKeyPartLeavesTheBatchToPostgresql() {
        Object[][] columns = {new String[] {"a", null}, new Integer[] {1, 2}};

        assertFalse(KeyRepeats.distinct(columns, new int[] {0}, 2));
        assertFalse(KeyRepeats.distinct(columns, new int[] {1, 0}, 2));
        assertTrue(KeyRepeats.distinct(columns, new int[] {1}, 2));
    }
}
