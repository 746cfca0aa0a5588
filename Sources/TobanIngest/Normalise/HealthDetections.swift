import Foundation
import TobanCore

/// Detections Toban raises itself about the monitoring: analysts must see a gap or a flood
/// in the same queue as everything else. Their signature ids start with `toban:`.
public enum HealthDetections {
    public static let monitoringGapID = "toban:monitoring-gap"
    public static let floodID = "toban:flood"

    public static func monitoringGap(_ gap: SilenceMonitor.Gap, now: Date) -> Detection {
        Detection(customerID: gap.customerID, sensor: gap.sensor, sourceFormat: .syslog,
                  sourcePosition: SourcePosition(source: "toban:health", offset: 0), eventTime: now, ingestTime: now,
                  signature: Signature(id: monitoringGapID, name: "Monitoring gap: sensor \(gap.sensor) silent for \(gap.silentMinutes) min",
                                       category: "Sensor health"),
                  vendorSeverity: "toban", severity: .high, urgency: .p2,
                  urgencyReason: "P2 because the sensor has been silent for \(gap.silentMinutes) min outside maintenance (monitoring gap)",
                  evidence: Evidence(message: "last event at \(gap.lastSeen)"))
    }

    public static func flood(sensor: String, customerID: String, eventsPerSecond: Int, limit: Int, at time: Date) -> Detection {
        Detection(customerID: customerID, sensor: sensor, sourceFormat: .syslog,
                  sourcePosition: SourcePosition(source: "toban:health", offset: 0), eventTime: time, ingestTime: time,
                  signature: Signature(id: floodID, name: "Sensor flood: over \(limit) events/s, context sampled", category: "Sensor health"),
                  vendorSeverity: "toban", severity: .low, urgency: .p4,
                  urgencyReason: "P4 because the source exceeded \(limit) events/s; context is sampled, detections are kept",
                  evidence: Evidence(message: "\(eventsPerSecond)+ events in one second"))
    }
}
