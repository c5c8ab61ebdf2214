package dev.tenantry.api.blueprint;

/** Resources one replica asks for. The process driver passes memory as {@code {{resources.memoryMb}}}. */
public record Resources(Integer memoryMb, Integer cpuMillis) {
    public static final Resources DEFAULT = new Resources(128, 1000);
}
