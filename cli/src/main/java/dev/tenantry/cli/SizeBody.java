package dev.tenantry.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of a resource size from the --memory-mb/--cpu-millis style options. */
final class SizeBody {
    private SizeBody() {}

    /** Puts {@code {"memoryMb": …, "cpuMillis": …}} under {@code key} when either is given. */
    static void put(Map<String, Object> body, String key, Integer memoryMb, Integer cpuMillis) {
        if (memoryMb == null && cpuMillis == null) return;
        Map<String, Object> size = new LinkedHashMap<>();
        if (memoryMb != null) size.put("memoryMb", memoryMb);
        if (cpuMillis != null) size.put("cpuMillis", cpuMillis);
        body.put(key, size);
    }
}
