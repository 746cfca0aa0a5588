import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    func updateSensors(_ batch: IngestBatch) throws {
        struct SensorState { var event: Int64?; var heartbeat: Int64?; var packets: Int64?; var drops: Int64?; var statAt: Int64 = .min }
        struct SensorKey: Hashable { var customer: String; var name: String }
        var sensors: [SensorKey: SensorState] = [:]
        func touch(_ customer: String, _ name: String, _ update: (inout SensorState) -> Void) {
            update(&sensors[SensorKey(customer: customer, name: name), default: SensorState()])
        }
        // By index: each detection is read in place, not copied (dozens of strings).
        for i in batch.detections.indices {
            let t = batch.detections[i].lastSeen.storeMilliseconds
            touch(batch.detections[i].customerID, batch.detections[i].sensor) { $0.event = max($0.event ?? .min, t) }
        }
        for s in batch.sensorHealth {
            let t = s.at.storeMilliseconds
            touch(s.customerID, s.sensor) { state in
                if s.isHeartbeat { state.heartbeat = max(state.heartbeat ?? .min, t) } else { state.event = max(state.event ?? .min, t) }
                if (s.kernelPackets != nil || s.kernelDrops != nil) && t >= state.statAt {
                    state.statAt = t
                    state.packets = s.kernelPackets ?? state.packets
                    state.drops = s.kernelDrops ?? state.drops
                }
            }
        }
        guard !sensors.isEmpty else { return }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO sensors (customer_id, name, last_event_at, last_heartbeat_at, kernel_packets, kernel_drops)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(customer_id, name) DO UPDATE SET
                last_event_at = coalesce(max(last_event_at, excluded.last_event_at), last_event_at, excluded.last_event_at),
                last_heartbeat_at = coalesce(max(last_heartbeat_at, excluded.last_heartbeat_at), last_heartbeat_at, excluded.last_heartbeat_at),
                kernel_packets = coalesce(excluded.kernel_packets, kernel_packets),
                kernel_drops = coalesce(excluded.kernel_drops, kernel_drops)
            """)
        let ordered = sensors.sorted { a, b in a.key.customer != b.key.customer ? a.key.customer < b.key.customer : a.key.name < b.key.name }
        for (key, state) in ordered {
            try upsert.execute(arguments: [key.customer, key.name, state.event, state.heartbeat, state.packets, state.drops])
        }
    }

    /// The batch's counters belong to its source when its checkpoints name one path (the
    /// ingest loop's normal case; a rotated file drained beside its successor counts for
    /// the path, `SourceCheckpoint.pathSourceID`), else to the pseudo-source "(mixed)".
    static let mixedSource = "(mixed)"

    func addCounters(_ batch: IngestBatch, latestContextTime: Date?) throws {
        let c = batch.counters
        var latest = latestContextTime
        func note(_ time: Date) { if latest.map({ time > $0 }) ?? true { latest = time } }
        for i in batch.detections.indices { note(batch.detections[i].lastSeen) }
        for s in batch.sensorHealth where !s.isHeartbeat { note(s.at) }
        let lastEvent = latest?.storeMilliseconds
        guard c != IngestCounters() || lastEvent != nil else { return }
        let paths = Set(batch.checkpoints.map { SourceCheckpoint.pathSourceID($0.sourceID) })
        let source = paths.count == 1 ? paths.first! : Self.mixedSource
        try db.execute(sql: """
            INSERT INTO ingest_counters (source_id, lines, detections, context, sampled_out, quarantined, unassigned, last_event_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source_id) DO UPDATE SET
                lines = lines + excluded.lines, detections = detections + excluded.detections,
                context = context + excluded.context, sampled_out = sampled_out + excluded.sampled_out,
                quarantined = quarantined + excluded.quarantined, unassigned = unassigned + excluded.unassigned,
                last_event_at = coalesce(max(last_event_at, excluded.last_event_at), last_event_at, excluded.last_event_at),
                updated_at = excluded.updated_at
            """, arguments: [source, c.lines, c.detections, c.contextEvents, c.sampledOut, c.quarantined, c.unassigned,
                             lastEvent, now.storeMilliseconds])
    }

    func upsertCheckpoints(_ checkpoints: [SourceCheckpoint]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO ingest_checkpoints (source_id, path, device, inode, fingerprint, offset, context_offset, context_fingerprint,
                                            format, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source_id) DO UPDATE SET path = excluded.path, device = excluded.device, inode = excluded.inode,
                fingerprint = excluded.fingerprint, offset = excluded.offset, context_offset = excluded.context_offset,
                context_fingerprint = excluded.context_fingerprint, format = excluded.format, updated_at = excluded.updated_at
            """)
        for c in checkpoints {
            try upsert.execute(arguments: [c.sourceID, c.path, Int64(bitPattern: c.device), Int64(bitPattern: c.inode),
                                           Int64(bitPattern: c.fingerprint), c.offset, c.contextOffset,
                                           c.contextFingerprint.map { Int64(bitPattern: $0) }, c.format?.rawValue,
                                           now.storeMilliseconds])
        }
    }
}
