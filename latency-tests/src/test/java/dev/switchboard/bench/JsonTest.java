package dev.switchboard.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest
{
    @Test
    void shouldWriteNestedMapsListsNumbersAndEscapedStrings()
    {
        final Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("p50Us", 12.34567);
        inner.put("count", 3L);
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "say \"hi\"\n");
        root.put("series", inner);
        root.put("list", List.of(1, true, "x"));
        root.put("nan", Double.NaN);

        assertEquals("{\n" +
            "  \"name\": \"say \\\"hi\\\"\\n\",\n" +
            "  \"series\": {\n" +
            "    \"p50Us\": 12.346,\n" +
            "    \"count\": 3\n" +
            "  },\n" +
            "  \"list\": [1, true, \"x\"],\n" +
            "  \"nan\": null\n" +
            "}\n", Json.write(root));
    }
}
