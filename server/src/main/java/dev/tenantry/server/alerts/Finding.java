package dev.tenantry.server.alerts;

import java.util.Map;

/** A rule's condition found true now, for one subject: the alert fires (or keeps firing) with these figures. */
public record Finding(AlertRule rule, String subject, String tenant, String target, String message, Map<String, Object> figures) {
    public String key() {
        return rule.id() + "|" + subject;
    }
}
