package dev.tenantry.api.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A fact that happened, with CloudEvents attribute names. */
public record Event(String specversion, String id, String source, String type, String subject, String tenant,
                    Instant time, JsonNode data) {}
