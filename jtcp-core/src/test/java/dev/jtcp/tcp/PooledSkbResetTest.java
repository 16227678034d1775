package dev.jtcp.tcp;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TcpOutput reuses sent WriteSkbs and acknowledged TxSegments: a reused one must carry nothing of its
 * previous life (PSH, EOR, a MSG_ZEROCOPY range, page fragments, SACK state, ...). Every instance field,
 * including any added later, is set and must come back as a new object has it.
 */
class PooledSkbResetTest {
    @Test
    void aReusedWriteSkbIsANewOne() throws Exception {
        WriteSkb used = new WriteSkb(7);
        dirty(used);
        used.zc = new ZcArg(3, 100);
        assertSameFields(used.reset(5000), new WriteSkb(5000));
    }

    @Test
    void aReusedTxSegmentIsANewOne() throws Exception {
        TxSegment used = new TxSegment();
        dirty(used);
        used.clear();
        assertSameFields(used, new TxSegment());
    }

    /** Gives every primitive and Object-typed instance field a value no new object has. */
    private static void dirty(Object o) throws Exception {
        for (Field f : o.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Class<?> t = f.getType();
            if (t == int.class) {
                f.setInt(o, 12345);
            } else if (t == long.class) {
                f.setLong(o, 123456789L);
            } else if (t == boolean.class) {
                f.setBoolean(o, true);
            } else if (t == Object.class) {
                f.set(o, new Object());
            }
        }
    }

    private static void assertSameFields(Object reused, Object fresh) throws Exception {
        for (Field f : fresh.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            assertThat(f.get(reused)).as(f.getName()).isEqualTo(f.get(fresh));
        }
    }
}
