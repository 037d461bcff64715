package io.sluice.load;

import java.math.BigDecimal;

import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

/** Binds columnar arrays as the parameters of an {@link InsertStatement}. */
public final class BatchBinding {
    private BatchBinding() {
    }

    public static Tuple of(Object[][] columns) {
        Tuple tuple = Tuple.tuple();
        for (Object[] column : columns) {
            tuple.addValue(bindable(column));
        }
        return tuple;
    }

    /** The Vert.x client binds numeric[] from Numeric and bytea[] from Buffer elements. */
    private static Object bindable(Object[] column) {
        if (column instanceof BigDecimal[] decimals) {
            Numeric[] numerics = new Numeric[decimals.length];
            for (int i = 0; i < decimals.length; i++) {
                numerics[i] = decimals[i] == null ? null : Numeric.create(decimals[i]);
            }
            return numerics;
        }
        if (column instanceof byte[][] bytes) {
            Buffer[] buffers = new Buffer[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                buffers[i] = bytes[i] == null ? null : Buffer.buffer(bytes[i]);
            }
            return buffers;
        }
        return column;
    }
}
