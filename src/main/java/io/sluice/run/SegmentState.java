package io.sluice.run;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a segment (one version of one source file) stands: {@code loading} while some of its rows
 * are committed, {@code loaded} once every row is in, {@code stale} when the file changed while it
 * was read (its rows are replaced when the next version loads). A loaded segment becomes stale only
 * through a replacement, which deletes it; a stale one is only ever replaced.
 */
enum SegmentState {
    LOADING, LOADED, STALE;

    private static final Map<SegmentState, Set<SegmentState>> NEXT = Map.of(
            LOADING, EnumSet.of(LOADING, LOADED, STALE),
            LOADED, EnumSet.noneOf(SegmentState.class),
            STALE, EnumSet.noneOf(SegmentState.class));

    boolean canBecome(SegmentState next) {
        return NEXT.get(this).contains(next);
    }

    String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static SegmentState fromWire(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
