package io.hexproperty.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.testing.lane.Unit;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The string writer's bulk copy (nothing to escape) and its escaping path agree with a JSON parser. */
@Unit
class JsonTextTest {
    @Test
    void plainTextIsCopiedAsIs() {
        assertThat(literal("Light-filled 6-bedroom home in Portland")).isEqualTo("\"Light-filled 6-bedroom home in Portland\"");
        assertThat(literal("")).isEqualTo("\"\"");
        assertThat(literal("Zürich, Ågård – 東京")).isEqualTo("\"Zürich, Ågård – 東京\"");
    }

    @Test
    void everyCharacterThatNeedsEscapingIsEscapedWhereverItStands() {
        String[] specials = {"\"", "\\", "\n", "\r", "\t", "<", ">", "&", "\u2028", "\u2029", "\u0000", "\u001f"};
        for (String special : specials) {
            for (String value : new String[] {special, special + "tail", "head" + special, "head" + special + "mid" + special + "tail"}) {
                String literal = literal(value);
                assertThat(literal).doesNotContain("<", ">", "&", "\n", "\r", "\u2028");
                assertThat(new JsonObject("{\"v\":" + literal + "}").getString("v")).as("round trip of %s", literal).isEqualTo(value);
            }
        }
    }

    private static String literal(String value) {
        StringBuilder out = new StringBuilder();
        JsonText.string(out, value);
        return out.toString();
    }
}
