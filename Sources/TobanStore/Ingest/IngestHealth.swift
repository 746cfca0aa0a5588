import Foundation
import GRDB
import TobanCore

/// One source's position and throughput.
public struct SourceHealth: Sendable, Equatable {
    public var sourceID: String
    public var path: String?
    public var offset: Int64?
    /// The latest event time committed from this source.
    public var lastEventAt: Date?
    /// now − lastEventAt (nil when nothing was read yet).
    public var lag: TimeInterval?
    public var counters: IngestCounters
    /// When the checkpoint or counters last moved.
    public var updatedAt: Date?
}

/// A sensor silent for longer than its customer's `contract.silenceMinutes` (a monitoring gap).
public struct SilentSensor: Sendable, Equatable {
    public var customerID: String
    public var sensor: String
    /// nil: configured but never heard from.
    public var lastEventAt: Date?
    public var silenceMinutes: Int
}

public struct IngestHealth: Sendable, Equatable {
    public var sources: [SourceHealth]
    public var totals: IngestCounters
    public var quarantined: Int { totals.quarantined }
    public var unassignedEvents: Int { totals.unassigned }
    /// Open detections no configured customer claims.
    public var unassignedOpenDetections: Int
    public var silentSensors: [SilentSensor]
}

extension TobanStore {
    /// Ingest's state for the console footer and `toban status`: per-source lag and counters,
    /// totals, unassigned events, and silent sensors (the configured ones from the customers'
    /// snapshots included, so a sensor that never spoke is reported too).
    public func ingestHealth(now: Date) throws -> IngestHealth {
        try read { db in
            var sources: [String: SourceHealth] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM ingest_checkpoints") {
                let id: String = row["source_id"]
                sources[id] = SourceHealth(sourceID: id, path: row["path"], offset: row["offset"], lastEventAt: nil, lag: nil,
                                           counters: IngestCounters(), updatedAt: Date(storeMilliseconds: row["updated_at"]))
            }
            var totals = IngestCounters()
            for row in try Row.fetchAll(db, sql: "SELECT * FROM ingest_counters") {
                let id: String = row["source_id"]
                let counters = IngestCounters(lines: row["lines"], detections: row["detections"], contextEvents: row["context"],
                                              sampledOut: row["sampled_out"], quarantined: row["quarantined"], unassigned: row["unassigned"])
                totals.lines += counters.lines
                totals.detections += counters.detections
                totals.contextEvents += counters.contextEvents
                totals.sampledOut += counters.sampledOut
                totals.quarantined += counters.quarantined
                totals.unassigned += counters.unassigned
                var health = sources[id] ?? SourceHealth(sourceID: id, path: nil, offset: nil, lastEventAt: nil, lag: nil,
                                                         counters: IngestCounters(), updatedAt: nil)
                health.counters = counters
                let updated = Date(storeMilliseconds: row["updated_at"])
                health.updatedAt = max(health.updatedAt ?? updated, updated)
                if let last = row["last_event_at"] as Int64? {
                    health.lastEventAt = Date(storeMilliseconds: last)
                    health.lag = max(0, now.timeIntervalSince(Date(storeMilliseconds: last)))
                }
                sources[id] = health
            }
            let unassignedOpen = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detections WHERE customer_id = ? AND status <> 'closed'",
                                                  arguments: [Customer.unassignedID]) ?? 0

            var snapshots: [String: CustomerSnapshot] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, snapshot FROM customers") {
                if let s = JSONText.decode(CustomerSnapshot.self, from: row["snapshot"]) { snapshots[row["id"]] = s }
            }
            var lastEvent: [String: (customer: String, sensor: String, last: Int64?)] = [:]
            // A sign of life is any event or a heartbeat (`stats`): a quiet network is not a gap.
            for row in try Row.fetchAll(db, sql: """
                SELECT customer_id, name,
                       CASE WHEN last_event_at IS NULL THEN last_heartbeat_at WHEN last_heartbeat_at IS NULL THEN last_event_at
                            ELSE max(last_event_at, last_heartbeat_at) END AS last_event_at
                FROM sensors
                """) {
                lastEvent["\(row["customer_id"] as String)|\(row["name"] as String)"] = (row["customer_id"], row["name"], row["last_event_at"])
            }
            for (customer, snapshot) in snapshots {
                for sensor in snapshot.sensors where lastEvent["\(customer)|\(sensor)"] == nil {
                    lastEvent["\(customer)|\(sensor)"] = (customer, sensor, nil)
                }
            }
            let defaultSilence = ContractOptions().silenceMinutes
            var silent: [SilentSensor] = []
            for (_, s) in lastEvent {
                let minutes = snapshots[s.customer]?.contract.silenceMinutes ?? defaultSilence
                let limit = now.storeMilliseconds - Int64(minutes) * 60_000
                if s.last.map({ $0 < limit }) ?? true {
                    silent.append(SilentSensor(customerID: s.customer, sensor: s.sensor, lastEventAt: s.last.map { Date(storeMilliseconds: $0) },
                                               silenceMinutes: minutes))
                }
            }
            silent.sort { ($0.customerID, $0.sensor) < ($1.customerID, $1.sensor) }
            return IngestHealth(sources: sources.values.sorted { $0.sourceID < $1.sourceID }, totals: totals,
                                unassignedOpenDetections: unassignedOpen, silentSensors: silent)
        }
    }
}
