import Foundation
import GRDB
import TobanCore

/// What one committed batch did.
public struct BatchCommitResult: Sendable, Equatable {
    /// New detection rows.
    public var inserted: Int
    /// Detection occurrences folded into an earlier row (stored or from the same batch).
    public var folded: Int
    /// Endpoints created or updated (and re-scored).
    public var endpoints: Int
    /// Context bucket rows written.
    public var contextBuckets: Int
}

extension TobanStore {
    /// Commits an ingest batch in ONE write transaction: detections (folded into an open row
    /// with the same aggregation key whose activity is within `aggregationWindow`, else
    /// inserted; urgency evaluated with Core's rules, corroboration and critical assets),
    /// endpoints upserted and re-scored, context buckets merged, sensors' last-seen times,
    /// counters, and the checkpoints. Either all of it is stored or none of it.
    @discardableResult
    public func commit(_ batch: IngestBatch, customers: [Customer], rules: UrgencyRules = .default,
                       aggregationWindow: TimeInterval = 3600, now: Date) throws -> BatchCommitResult {
        try commit(batch, customers: customers, rules: rules, aggregationWindow: aggregationWindow, now: now, cache: IngestWriteCache())
    }

    /// As `commit(_:customers:rules:aggregationWindow:now:)`, remembering between batches what
    /// it wrote (`cache`, one per ingest writer) so that later batches need not read it back.
    @discardableResult
    public func commit(_ batch: IngestBatch, customers: [Customer], rules: UrgencyRules = .default,
                       aggregationWindow: TimeInterval = 3600, now: Date, cache: IngestWriteCache) throws -> BatchCommitResult {
        let directory = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        cache.lock.lock()
        defer { cache.lock.unlock() }
        do {
            return try write { db in
                if !cache.configured {
                    // The writer walks several indexes at random; SQLite's default 2 MB page
                    // cache turns that into a read(2) per page.
                    try db.execute(sql: "PRAGMA cache_size = -\(IngestWriteCache.pageCacheKiB)")
                    // Context rows are rewritten batch after batch: checkpointing the WAL less
                    // often copies each hot page into the database once instead of every time.
                    try db.execute(sql: "PRAGMA wal_autocheckpoint = \(IngestWriteCache.walCheckpointPages)")
                    cache.configured = true
                }
                try cache.begin(db)
                var writer = BatchWriter(db: db, customers: directory, rules: rules, window: aggregationWindow.milliseconds, now: now, cache: cache)
                let result = try writer.run(batch)
                try cache.end(db)
                return result
            }
        } catch {
            cache.abandon()
            throw error
        }
    }

    /// Where a source stands, as last committed with its rows.
    public func checkpoint(sourceID: String) throws -> SourceCheckpoint? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ingest_checkpoints WHERE source_id = ?", arguments: [sourceID]).map(Self.checkpoint(row:))
        }
    }

    /// Every source's checkpoint, by source id.
    public func checkpoints() throws -> [SourceCheckpoint] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM ingest_checkpoints ORDER BY source_id").map(Self.checkpoint(row:)) }
    }

    static func checkpoint(row: Row) -> SourceCheckpoint {
        SourceCheckpoint(sourceID: row["source_id"], path: row["path"],
                         device: UInt64(bitPattern: row["device"]), inode: UInt64(bitPattern: row["inode"]),
                         fingerprint: UInt64(bitPattern: row["fingerprint"]), offset: row["offset"])
    }

    /// Deletes context buckets that started before `now - retention`; a small separate
    /// transaction the ingest loop runs now and then. Returns the rows removed.
    @discardableResult
    public func pruneContext(retention: TimeInterval = 72 * 3600, now: Date) throws -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM context_buckets WHERE bucket_start < ?",
                           arguments: [now.addingTimeInterval(-retention).storeMilliseconds])
            return db.changesCount
        }
    }
}

/// One batch's work inside the write transaction. Reads are set-based (one query per
/// chunk of aggregation keys or endpoints), never one SELECT per detection.
struct BatchWriter {
    let db: Database
    let customers: [String: Customer]
    let rules: UrgencyRules
    let window: Int64
    let now: Date
    let cache: IngestWriteCache
    static let corroborationWindow: Int64 = 24 * 3_600_000

    /// A detection row as it will be after this batch.
    struct Slot {
        var key: String
        var existingID: Int64?
        var template: Detection
        var count: Int
        var first: Int64
        var last: Int64
    }

    init(db: Database, customers: [String: Customer], rules: UrgencyRules, window: Int64, now: Date, cache: IngestWriteCache) {
        self.db = db
        self.cache = cache
        self.customers = customers
        self.rules = rules
        self.window = window
        self.now = now
    }

    mutating func run(_ batch: IngestBatch) throws -> BatchCommitResult {
        var result = BatchCommitResult(inserted: 0, folded: 0, endpoints: 0, contextBuckets: 0)
        let slots = try fold(batch.detections, result: &result)
        let ids = try writeDetections(slots, result: &result)
        result.endpoints = try upsertEndpoints(slots, ids: ids)
        result.contextBuckets = try mergeContext(batch.context)
        try updateSensors(batch)
        try addCounters(batch)
        try upsertCheckpoints(batch.checkpoints)
        return result
    }

    // MARK: folding

    private func fold(_ detections: [Detection], result: inout BatchCommitResult) throws -> [Slot] {
        guard !detections.isEmpty else { return [] }
        // Group by key, keeping the order keys first appear in (ids follow file order).
        var order: [String] = []
        var groups: [String: [Detection]] = [:]
        for d in detections {
            let key = FastText.aggregationKey(d)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(d)
        }
        let earliest = detections.map { $0.firstSeen.storeMilliseconds }.min()!
        var stored: [String: Slot] = [:]
        for chunk in order.chunked(500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            var args = StatementArguments(Array(chunk))
            args += [earliest - window]
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, aggregation_key, count, first_seen, last_seen FROM detections
                WHERE aggregation_key IN (\(marks)) AND last_seen >= ? AND status <> 'closed'
                """, arguments: args)
            for row in rows {
                let key: String = row["aggregation_key"]
                let last: Int64 = row["last_seen"]
                if let current = stored[key], current.last >= last { continue }
                stored[key] = Slot(key: key, existingID: row["id"], template: groups[key]![0], count: row["count"],
                                   first: row["first_seen"], last: last)
            }
        }
        var slots: [Slot] = []
        for key in order {
            var current = stored[key]
            var touched = false
            for d in groups[key]!.sorted(by: { $0.firstSeen < $1.firstSeen }) {
                let first = d.firstSeen.storeMilliseconds, last = d.lastSeen.storeMilliseconds
                if var slot = current, first - slot.last <= window, slot.first - last <= window {
                    slot.count += max(1, d.count)
                    slot.first = min(slot.first, first)
                    slot.last = max(slot.last, last)
                    current = slot
                    touched = true
                    result.folded += 1
                } else {
                    if let slot = current, touched { slots.append(slot) }
                    current = Slot(key: key, existingID: nil, template: d, count: max(1, d.count), first: first, last: last)
                    touched = true
                }
            }
            if let slot = current, touched { slots.append(slot) }
        }
        return slots
    }

    // MARK: detections

    private func writeDetections(_ slots: [Slot], result: inout BatchCommitResult) throws -> [Int64] {
        guard !slots.isEmpty else { return [] }
        let signatures = try signaturesByEndpoint(slots)
        // Per endpoint, the signatures' latest times sorted ascending: counting those within
        // the corroboration window is a binary search, not a scan per detection.
        var sortedTimes: [String: [Int64]] = [:]
        for (key, bySignature) in signatures { sortedTimes[key] = bySignature.values.sorted() }
        let insert = try db.cachedStatement(sql: DetectionRow.insertSQL)
        let update = try db.cachedStatement(sql: """
            UPDATE detections SET count = ?, first_seen = ?, last_seen = ?, urgency = ?, urgency_reason = ? WHERE id = ?
            """)
        var ids: [Int64] = []
        ids.reserveCapacity(slots.count)
        var aggregates = QueueAggregates.Tally() // the console's queue aggregates: one batched write, no per-row trigger
        for slot in slots {
            let d = slot.template
            var corroborating = 0
            if let endpoint = d.endpoint {
                let key = d.customerID + "|" + FastText.ip(endpoint)
                if let times = sortedTimes[key] {
                    let threshold = slot.last - Self.corroborationWindow
                    var low = 0, high = times.count
                    while low < high {
                        let mid = (low + high) / 2
                        if times[mid] < threshold { low = mid + 1 } else { high = mid }
                    }
                    corroborating = times.count - low
                    if let own = signatures[key]?[d.signature.id], own >= threshold { corroborating -= 1 }
                }
            }
            let input = UrgencyInput(severity: d.severity, vendorSeverity: d.vendorSeverity, category: d.signature.category,
                                     signatureID: d.signature.id, endpoint: d.endpoint, asset: asset(for: d),
                                     corroboratingSignatures: corroborating, count: slot.count)
            let assessment = UrgencyEvaluator.evaluate(input, rules: rules)
            aggregates.add(d, urgency: assessment.urgency, lastSeen: slot.last, isNew: slot.existingID == nil)
            if let id = slot.existingID {
                try update.execute(arguments: [slot.count, slot.first, slot.last, assessment.urgency.rawValue, assessment.explanation, id])
                ids.append(id)
            } else {
                var row = d
                row.count = slot.count
                row.firstSeen = Date(storeMilliseconds: slot.first)
                row.lastSeen = Date(storeMilliseconds: slot.last)
                row.urgency = assessment.urgency
                row.urgencyReason = assessment.explanation
                row.status = .new
                row.disposition = nil
                row.assignee = nil
                try insert.execute(arguments: DetectionRow.insertArguments(row, aggregationKey: slot.key))
                ids.append(db.lastInsertedRowID)
                result.inserted += 1
            }
        }
        try aggregates.write(db)
        return ids
    }

    /// The critical asset covering the endpoint, else the heavier one covering either side.
    private func asset(for d: Detection) -> CriticalAsset? {
        guard let customer = customers[d.customerID] else { return nil }
        if let endpoint = d.endpoint, let asset = customer.criticalAsset(for: endpoint) { return asset }
        return [d.sourceIP, d.destinationIP].compactMap { $0.flatMap(customer.criticalAsset(for:)) }.max { $0.weight < $1.weight }
    }

    /// For each (customer|endpoint) of the batch: signature id → latest activity (ms), from
    /// the table (last 24 h before the batch's earliest activity, dismissed ones excluded)
    /// and from the batch itself.
    private func signaturesByEndpoint(_ slots: [Slot]) throws -> [String: [String: Int64]] {
        var endpointsByCustomer: [String: Set<String>] = [:]
        for slot in slots {
            if let endpoint = slot.template.endpoint { endpointsByCustomer[slot.template.customerID, default: []].insert(FastText.ip(endpoint)) }
        }
        guard !endpointsByCustomer.isEmpty else { return [:] }
        let since = (slots.map(\.last).min() ?? 0) - Self.corroborationWindow
        var map: [String: [String: Int64]] = [:]
        for (customer, endpoints) in endpointsByCustomer {
            for chunk in Array(endpoints).chunked(500) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                var args: StatementArguments = [customer]
                args += StatementArguments(Array(chunk))
                args += [since]
                let rows = try Row.fetchAll(db, sql: """
                    SELECT endpoint, signature_id, MAX(last_seen) AS last_seen FROM detections
                    WHERE customer_id = ? AND endpoint IN (\(marks)) AND last_seen >= ?
                      AND NOT (status = 'closed' AND disposition IN ('false_positive', 'no_action'))
                    GROUP BY endpoint, signature_id
                    """, arguments: args)
                for row in rows {
                    let key = customer + "|" + (row["endpoint"] as String)
                    let sig: String = row["signature_id"]
                    map[key, default: [:]][sig] = max(map[key]?[sig] ?? .min, row["last_seen"])
                }
            }
        }
        for slot in slots {
            guard let endpoint = slot.template.endpoint else { continue }
            let key = slot.template.customerID + "|" + FastText.ip(endpoint)
            map[key, default: [:]][slot.template.signature.id] = max(map[key]?[slot.template.signature.id] ?? .min, slot.last)
        }
        return map
    }

    // MARK: endpoints

    private func upsertEndpoints(_ slots: [Slot], ids: [Int64]) throws -> Int {
        struct Touch { var customer: String; var address: IPAddress; var mac: String?; var hostname: String?; var first: Int64; var last: Int64; var newRows: Int }
        var order: [String] = []
        var touches: [String: Touch] = [:]
        for slot in slots {
            let d = slot.template
            guard let endpoint = d.endpoint else { continue }
            let key = d.customerID + "|" + FastText.ip(endpoint)
            let isSource = endpoint == d.sourceIP
            let mac = isSource ? d.evidence.sourceMAC : nil
            let hostname = isSource ? d.evidence.sourceHostname : nil
            if var t = touches[key] {
                t.first = min(t.first, slot.first)
                t.last = max(t.last, slot.last)
                t.mac = mac ?? t.mac
                t.hostname = hostname ?? t.hostname
                t.newRows += slot.existingID == nil ? 1 : 0
                touches[key] = t
            } else {
                order.append(key)
                touches[key] = Touch(customer: d.customerID, address: endpoint, mac: mac, hostname: hostname,
                                     first: slot.first, last: slot.last, newRows: slot.existingID == nil ? 1 : 0)
            }
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO endpoints (customer_id, ip, mac, hostname, first_seen, last_seen, detection_count)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(customer_id, ip) DO UPDATE SET
                mac = coalesce(excluded.mac, mac), hostname = coalesce(excluded.hostname, hostname),
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
                detection_count = detection_count + excluded.detection_count
            """)
        for key in order {
            let t = touches[key]!
            try upsert.execute(arguments: [t.customer, FastText.ip(t.address), t.mac, t.hostname, t.first, t.last, t.newRows])
            let asset = customers[t.customer]?.criticalAsset(for: t.address)
            try EndpointScoring.rescore(db, customer: t.customer, address: FastText.ip(t.address), asset: asset, now: now)
        }
        return order.count
    }

    // MARK: context, sensors, counters, checkpoints

    /// Counts are written whole from the cache (read back once per bucket when it is not
    /// cached); samples are appended to the stored array while it has room, never decoded.
    private func mergeContext(_ buckets: [ContextBucket]) throws -> Int {
        guard !buckets.isEmpty else { return 0 }
        typealias Key = IngestWriteCache.BucketKey
        var order: [Key] = []
        var merged: [Key: ContextBucket] = [:]
        merged.reserveCapacity(buckets.count)
        order.reserveCapacity(buckets.count)
        for b in buckets {
            let key = Key(customerID: b.customerID, endpoint: b.endpoint, start: b.bucketStart.storeMilliseconds)
            if let existing = merged[key] {
                merged[key] = ContextMerge.merge(existing, b)
            } else {
                order.append(key)
                merged[key] = b
            }
        }
        let select = try db.cachedStatement(sql: "SELECT counts, samples FROM context_buckets WHERE customer_id = ? AND endpoint = ? AND bucket_start = ?")
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO context_buckets (customer_id, endpoint, bucket_start, counts, samples) VALUES (?1, ?2, ?3, ?4, '[' || ?5 || ']')
            ON CONFLICT(customer_id, endpoint, bucket_start) DO UPDATE SET counts = excluded.counts,
                samples = CASE WHEN ?5 = '' THEN samples WHEN samples = '[]' THEN excluded.samples
                               ELSE substr(samples, 1, length(samples) - 1) || ',' || ?5 || ']' END
            """)
        let limit = ContextBucket.sampleLimit
        for key in order {
            let bucket = merged[key]!
            var state: IngestWriteCache.BucketState
            if let cached = cache.buckets[key] {
                state = cached
            } else {
                let text = FastText.ip(bucket.endpoint)
                if let row = try Row.fetchOne(select, arguments: [key.customerID, text, key.start]) {
                    state = IngestWriteCache.BucketState(endpointText: text, counts: ContextMerge.fixedCounts(json: row["counts"]),
                                                         sampleKeys: ContextMerge.sampleKeys(json: row["samples"]))
                } else {
                    state = IngestWriteCache.BucketState(endpointText: text, counts: [Int](repeating: 0, count: ContextMerge.kinds.count),
                                                         sampleKeys: [])
                }
                cache.noteStart(key.start)
            }
            for (kind, n) in bucket.counts { state.counts[ContextMerge.kindIndex[kind]!] += n }
            var fresh: [ContextSample] = []
            if state.sampleKeys.count < limit, !bucket.samples.isEmpty {
                let candidates = bucket.samples.count > 1 ? bucket.samples.sorted { $0.time < $1.time } : bucket.samples
                for s in candidates {
                    if state.sampleKeys.count >= limit { break }
                    let k = ContextMerge.sampleKey(kind: s.kind, summary: s.summary)
                    if state.sampleKeys.contains(k) { continue }
                    state.sampleKeys.append(k)
                    fresh.append(s)
                }
            }
            try upsert.execute(arguments: [key.customerID, state.endpointText, key.start, ContextMerge.countsJSON(fixed: state.counts),
                                           fresh.isEmpty ? "" : ContextMerge.samplesFragment(fresh[...])])
            cache.buckets[key] = state
        }
        return order.count
    }

    private func updateSensors(_ batch: IngestBatch) throws {
        struct SensorState { var event: Int64?; var heartbeat: Int64?; var packets: Int64?; var drops: Int64?; var statAt: Int64 = .min }
        var sensors: [String: (customer: String, name: String, state: SensorState)] = [:]
        func touch(_ customer: String, _ name: String, _ update: (inout SensorState) -> Void) {
            let key = "\(customer)|\(name)"
            var entry = sensors[key] ?? (customer, name, SensorState())
            update(&entry.state)
            sensors[key] = entry
        }
        for d in batch.detections {
            let t = d.lastSeen.storeMilliseconds
            touch(d.customerID, d.sensor) { $0.event = max($0.event ?? .min, t) }
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
        for (_, entry) in sensors.sorted(by: { $0.key < $1.key }) {
            try upsert.execute(arguments: [entry.customer, entry.name, entry.state.event, entry.state.heartbeat,
                                           entry.state.packets, entry.state.drops])
        }
    }

    /// The batch's counters belong to its source when it carries exactly one checkpoint
    /// (the ingest loop's normal case), else to the pseudo-source "(mixed)".
    static let mixedSource = "(mixed)"

    private func addCounters(_ batch: IngestBatch) throws {
        let c = batch.counters
        let lastEvent = (batch.detections.map(\.lastSeen) + batch.sensorHealth.filter { !$0.isHeartbeat }.map(\.at)
            + batch.context.flatMap { $0.samples.map(\.time) }).max()?.storeMilliseconds
        guard c != IngestCounters() || lastEvent != nil else { return }
        let source = batch.checkpoints.count == 1 ? batch.checkpoints[0].sourceID : Self.mixedSource
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

    private func upsertCheckpoints(_ checkpoints: [SourceCheckpoint]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO ingest_checkpoints (source_id, path, device, inode, fingerprint, offset, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(source_id) DO UPDATE SET path = excluded.path, device = excluded.device, inode = excluded.inode,
                fingerprint = excluded.fingerprint, offset = excluded.offset, updated_at = excluded.updated_at
            """)
        for c in checkpoints {
            try upsert.execute(arguments: [c.sourceID, c.path, Int64(bitPattern: c.device), Int64(bitPattern: c.inode),
                                           Int64(bitPattern: c.fingerprint), c.offset, now.storeMilliseconds])
        }
    }
}
