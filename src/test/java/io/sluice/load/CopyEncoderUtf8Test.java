package io.sluice.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sluice.pipeline.program.PgType.Kind;

/**
 * Text values through both COPY encoders against Java's own UTF-8 encoder, on seeded random strings
 * that mix ASCII runs with what ends them (multi-byte chars, surrogate pairs, lone surrogates, controls,
 * backslashes; surrogates whose low byte is ASCII, which a shortcut copying chars' low bytes would
 * get wrong), short and longer than one encoding slice. Without a database: the encoders' bytes are
 * parsed back here.
 */
class CopyEncoderUtf8Test {
    private static final String[] PIECES = { "a", "Zq", "hello world ", "0123456789", "@.", "\\", "\t", "\n", "\r",
            "\u0001", "\u001f", "\u007f", "é", "ß", "€", "中文", "😀", "\ud800", "\udc00", "x\ud83d", "~" };

    @Test
    void binaryTextIsJavasUtf8() throws SQLException {
        List<String> values = randomTexts(new Random(20261206L), 3000);
        byte[] out = encode(new CopyBinaryEncoderFactory(), values);
        ByteBuffer in = ByteBuffer.wrap(out);
        in.position(19); // signature, flags, header extension length
        for (String value : values) {
            assertEquals(1, in.getShort());
            byte[] got = new byte[in.getInt()];
            in.get(got);
            assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), got, () -> "value " + visible(value));
        }
        assertEquals(-1, in.getShort());
    }

    @Test
    void textFormatIsJavasUtf8WithCopysEscapes() throws SQLException {
        List<String> values = randomTexts(new Random(7L), 3000);
        byte[] out = encode(CopyTextEncoder::new, values);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (String value : values) {
            String escaped = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
            expected.writeBytes(escaped.getBytes(StandardCharsets.UTF_8));
            expected.write('\n');
        }
        assertEquals(new String(expected.toByteArray(), StandardCharsets.UTF_8), new String(out, StandardCharsets.UTF_8));
        assertArrayEquals(expected.toByteArray(), out);
    }

    @Test
    void aNulAnywhereRefusesTheValueInBothFormats() {
        Random random = new Random(3L);
        for (int i = 0; i < 200; i++) {
            String text = randomText(random, 1 + random.nextInt(40));
            int at = random.nextInt(text.length() + 1);
            String withNul = text.substring(0, at) + '\0' + text.substring(at);
            for (Factory format : new Factory[] { new CopyBinaryEncoderFactory(), CopyTextEncoder::new }) {
                SQLException refused = assertThrows(SQLException.class, () -> encode(format, List.of("ok", withNul)),
                        () -> visible(withNul));
                assertEquals("22021", refused.getSQLState());
            }
        }
    }

    private interface Factory {
        CopyEncoder create(Kind[] kinds, CopyEncoder.Sink sink);
    }

    private static final class CopyBinaryEncoderFactory implements Factory {
        @Override
        public CopyEncoder create(Kind[] kinds, CopyEncoder.Sink sink) {
            return new CopyBinaryEncoder(kinds, sink);
        }
    }

    private static byte[] encode(Factory format, List<String> values) throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyEncoder encoder = format.create(new Kind[] { Kind.TEXT }, out::write);
        encoder.encode(new Object[][] { values.toArray(new String[0]) }, values.size(), false);
        return out.toByteArray();
    }

    private static List<String> randomTexts(Random random, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int pieces = i % 100 == 0 ? 2000 + random.nextInt(1000) : random.nextInt(30); // some beyond one slice
            texts.add(randomText(random, pieces));
        }
        return texts;
    }

    private static String randomText(Random random, int pieces) {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < pieces; p++) {
            text.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : PIECES[random.nextInt(5)]);
        }
        return text.toString();
    }

    private static String visible(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(80).forEach(cp -> out.append(cp < 0x20 || cp > 0x7e ? String.format("\\u%04x", cp) : (char) cp));
        return out.toString();
    }
}
