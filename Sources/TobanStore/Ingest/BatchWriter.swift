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
    /// Context buckets written to.
    public var contextBuckets: Int

    mutating func add(_ other: BatchCommitResult) {
        inserted += other.inserted
        folded += other.folded
        endpoints += other.endpoints
        contextBuckets += other.contextBuckets
    }
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
        var pending: IngestBatch? = batch
        return try commitGroup({ defer { pending = nil }; return pending }, customers: customers, rules: rules,
                               aggregationWindow: aggregationWindow, now: { now }, cache: cache)
    }

    /// Commits every batch `next` hands over, until it returns nil, in ONE write
    /// transaction (so all of them or none): a backlog read in several batches costs one
    /// commit instead of several. A batch is let go before the next is asked for; `now` is
    /// asked once per batch. Returns what the batches did together.
    @discardableResult
    public func commitGroup(_ next: () -> IngestBatch?, customers: [Customer], rules: UrgencyRules = .default,
                            aggregationWindow: TimeInterval = 3600, now: () -> Date, cache: IngestWriteCache) throws -> BatchCommitResult {
        let directory = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        cache.lock.lock()
        defer { cache.lock.unlock() }
        do {
            return try write { db in
                if !cache.configured {
                    // The writer walks several indexes at random; SQLite's default 2 MB page
                    // cache turns that into a read(2) per page.
                    try db.execute(sql: "PRAGMA cache_size = -\(IngestWriteCache.pageCacheKiB)")
                    // The log is copied back on another thread, not in this one.
                    walCheckpointer.install(on: db)
                    cache.configured = true
                }
                try cache.begin(db, window: aggregationWindow.milliseconds)
                var total = BatchCommitResult(inserted: 0, folded: 0, endpoints: 0, contextBuckets: 0)
                while let batch = next() {
                    var writer = BatchWriter(db: db, customers: directory, rules: rules, window: aggregationWindow.milliseconds,
                                             now: now(), cache: cache)
                    total.add(try writer.run(batch))
                    cache.bound()
                }
                try cache.writeTally(db)
                try cache.end(db)
                return total
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
                         fingerprint: UInt64(bitPattern: row["fingerprint"]), offset: row["offset"],
                         contextOffset: row["context_offset"],
                         contextFingerprint: (row["context_fingerprint"] as Int64?).map { UInt64(bitPattern: $0) },
                         format: (row["format"] as String?).flatMap(SourceFormat.init(rawValue:)))
    }

    /// Deletes context buckets (all their parts) that started before `now - retention`,
    /// and per-minute arrival counts older than `arrivalsRetention` (the header's rate
    /// sparkline reads the last hour; a month is kept for a look back); a small separate
    /// transaction the ingest loop runs now and then. Returns the buckets removed.
    @discardableResult
    public func pruneContext(retention: TimeInterval = 72 * 3600, arrivalsRetention: TimeInterval = 31 * 86_400,
                             now: Date) throws -> Int {
        try write { db in
            let horizon = now.addingTimeInterval(-retention).storeMilliseconds
            let buckets = try ContextMerge.deleteBuckets(db, where: "bucket_start < ?", arguments: [horizon])
            let oldestMinute = now.addingTimeInterval(-arrivalsRetention).storeMilliseconds / 60_000
            try db.execute(sql: "DELETE FROM detection_arrivals WHERE minute < ?", arguments: [oldestMinute])
            return buckets
        }
    }
}

/// One batch's work inside the write transaction. Reads are set-based (one query per
/// chunk of aggregation keys or endpoints), never one SELECT per detection, and what the
/// writer wrote itself is remembered (`IngestWriteCache`) instead of read back.
struct BatchWriter {
    let db: Database
    let customers: [String: Customer]
    let rules: UrgencyRules
    let window: Int64
    let now: Date
    let cache: IngestWriteCache
    /// The batch's detections and what `prepare` made of each, in step.
    private(set) var detections: [Detection] = []
    private(set) var texts: [PreparedIngestBatch.DetectionText] = []
    /// The detections grouped by aggregation key (`PreparedIngestBatch.foldMembers`).
    private var foldMembers: [Int] = []
    private var foldEnds: [Int] = []
    static let corroborationWindow: Int64 = 24 * 3_600_000
    /// New rows inserted by one statement (`DetectionRow.insertSQL(rows:)`).
    static let insertChunk = 32

    /// A detection row as it will be after this batch. It names the batch's detection it
    /// takes its fields from (the first of its occurrences) rather than holding a copy: a
    /// detection is dozens of strings, each retained and released with every copy.
    struct Slot {
        var index: Int
        var count: Int
        var first: Int64
        var last: Int64
        /// The batch's detection (line order) that brought `last`, or -1 when the stored
        /// row's activity did: where the row's urgency is evaluated (`corroboration`).
        var lastIndex: Int
        /// The stored row this folds into, with its count and urgency before the batch.
        var existingID: Int64?
        var storedCount = 0
        var storedUrgency: Urgency?
        /// The stored row's activity before the batch (for a fold).
        var storedFirst: Int64 = 0
        var storedLast: Int64 = 0
        var urgency: Urgency = .p5
        // The urgency's explanation is kept beside the slots (`writeDetections`), not in
        // them: without a string a slot is plain data, copied without a retain.
    }

    /// What `writeDetections` left for its caller to write of a slot.
    enum SlotWrite {
        /// A new row, to insert.
        case new
        /// A stored row whose urgency changed, to update after the pending inserts.
        case regrade(Int64)
        /// Nothing: written already.
        case written
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
        let prepared = batch.prepared as? PreparedIngestBatch ?? TobanStore.prepare(batch)
        detections = batch.detections
        texts = prepared.detections
        foldMembers = prepared.foldMembers
        foldEnds = prepared.foldEnds
        // How far back the batch's earliest detection may fold.
        let reach = detections.lazy.map { $0.firstSeen.storeMilliseconds }.min().map { $0 - window }
        var slots = try reach.map { try fold(reach: $0, result: &result) } ?? []
        var signals = try endpointSignals(for: slots)
        let corroboration = corroboration(for: slots, signals: &signals)
        var reasons = [String](repeating: "", count: slots.count)
        try writeDetections(&slots, reasons: &reasons, signals: &signals, corroboration: corroboration, result: &result)
        if let reach { try cache.open.forget(before: reach, db) }
        try notifyWithoutConfirmation(slots, reasons: reasons)
        result.endpoints = try upsertEndpoints(slots, signals: signals, settles: batch.settles)
        result.contextBuckets = try mergeContext(prepared.buckets)
        try updateSensors(batch)
        try addCounters(batch, latestContextTime: prepared.latestContextTime)
        try upsertCheckpoints(batch.checkpoints)
        return result
    }

    // MARK: folding

    private func fold(reach: Int64, result: inout BatchCommitResult) throws -> [Slot] {
        // Grouped by key in the order keys first appear (`prepare`).
        var groups: [ArraySlice<Int>] = []
        groups.reserveCapacity(foldEnds.count)
        var start = 0
        for end in foldEnds {
            groups.append(foldMembers[start ..< end])
            start = end
        }
        // What each key may fold into: held (checked first when an outside change came
        // since it was read), else, when the window reaches behind what is held, stored.
        var unchecked: [OpenAggregates.Key] = []
        var unknown: [OpenAggregates.Key: Int] = [:]
        var spilled: Set<OpenAggregates.Key> = []
        for members in groups {
            let key = texts[members.first!].aggregate
            if let entry = cache.open.entries[key] {
                if entry.epoch < cache.open.epoch { unchecked.append(key) }
            } else if reach < cache.open.horizon {
                unknown[key] = members.first!
            } else if cache.open.spilled {
                spilled.insert(key)
            }
        }
        if !unchecked.isEmpty { try cache.open.verify(unchecked, db) }
        if !spilled.isEmpty { try cache.open.unspill(spilled, db) }
        if !unknown.isEmpty { try lookUpStored(unknown, reach: reach) }
        var slots: [Slot] = []
        for members in groups {
            let key = texts[members.first!].aggregate
            var current: Slot?
            if let entry = cache.open.entries[key], entry.last >= reach {
                let index = members.first!
                current = Slot(index: index, count: entry.count, first: entry.first, last: entry.last, lastIndex: -1,
                               existingID: entry.id)
                current!.storedCount = entry.count
                current!.storedUrgency = entry.urgency
                current!.storedFirst = entry.first
                current!.storedLast = entry.last
            }
            var touched = false
            for index in members {
                let first = detections[index].firstSeen.storeMilliseconds, last = detections[index].lastSeen.storeMilliseconds
                let count = max(1, detections[index].count)
                if var slot = current, first - slot.last <= window, slot.first - last <= window {
                    slot.count += count
                    slot.first = min(slot.first, first)
                    if last >= slot.last { slot.lastIndex = index } // members come in line order
                    slot.last = max(slot.last, last)
                    current = slot
                    touched = true
                    result.folded += 1
                } else {
                    if let slot = current, touched { slots.append(slot) }
                    current = Slot(index: index, count: count, first: first, last: last, lastIndex: index)
                    touched = true
                }
            }
            if let slot = current, touched { slots.append(slot) }
        }
        return slots
    }

    /// The newest open stored row of each key in `wanted` (a key and a detection of it)
    /// active since `reach`, read by endpoint (every key names its customer and endpoint)
    /// and held from then on.
    private func lookUpStored(_ wanted: [OpenAggregates.Key: Int], reach: Int64) throws {
        var byCustomer: [String: Set<String>] = [:]
        var withoutEndpoint: Set<String> = []
        for index in wanted.values {
            if let endpoint = texts[index].endpoint {
                byCustomer[endpoint.customerID, default: []].insert(endpoint.endpoint)
            } else {
                withoutEndpoint.insert(detections[index].customerID)
            }
        }
        func read(_ rows: RowCursor) throws {
            while let row = try rows.next() {
                let key = OpenAggregates.Key(text: row[1])
                guard wanted[key] != nil else { continue }
                cache.open.note(row, as: key)
            }
        }
        let columns = "id, \(DetectionRow.aggregationKeySQL()), count, first_seen, last_seen, urgency"
        for (customer, endpoints) in byCustomer {
            for chunk in Array(endpoints).paddedChunks() {
                let endpointRows = EndpointHash.rows(customer: customer, endpoints: chunk)
                try read(try Row.fetchCursor(db.cachedStatement(sql: """
                    SELECT \(columns) FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                    WHERE \(endpointRows.sql) AND last_seen >= ? AND status <> 'closed'
                    """), arguments: endpointRows.arguments + [reach]))
            }
        }
        for customer in withoutEndpoint {
            try read(try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT \(columns) FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                WHERE endpoint_hash = ? AND customer_id = ? AND endpoint IS NULL AND last_seen >= ? AND status <> 'closed'
                """), arguments: [EndpointHash.of(customerID: customer, endpoint: nil), customer, reach]))
        }
    }

    // MARK: detections

    /// The signals of every endpoint the batch touches (cached, else read once), as they
    /// stood before the batch (`corroboration` adds the batch's detections).
    private func endpointSignals(for slots: [Slot]) throws -> [EndpointSignals.Key: EndpointSignals] {
        var out: [EndpointSignals.Key: EndpointSignals] = [:]
        var missing: [EndpointSignals.Key] = []
        for slot in slots {
            guard let key = texts[slot.index].endpoint, out[key] == nil else { continue }
            // Moved out of the cache, not copied: the batch's changes to it then need no
            // copy of its signatures (they go back with `writeDetections`).
            if let cached = cache.endpoints.removeValue(forKey: key) {
                out[key] = cached
            } else {
                out[key] = EndpointSignals()
                missing.append(key)
            }
        }
        if !missing.isEmpty {
            let earliest = slots.map(\.last).min() ?? now.storeMilliseconds
            let loaded = try EndpointSignals.load(db, keys: missing, openSince: now.storeMilliseconds - EndpointScoring.lookbackMilliseconds,
                                                  corroborationSince: earliest - Self.corroborationWindow)
            out.merge(loaded) { _, stored in stored }
        }
        return out
    }

    /// How many other signatures corroborate each slot (by slot): those active on its
    /// endpoint within `corroborationWindow` before the slot's last activity. The batch's
    /// own detections count in the order of their time, then of their lines, and each
    /// slot is evaluated at its last activity: a detection is corroborated by what came
    /// before it, never by what followed it in the same batch, so its urgency does not
    /// depend on where batches happened to split the log. Leaves every detection of the
    /// batch noted in `signals`.
    private func corroboration(for slots: [Slot], signals: inout [EndpointSignals.Key: EndpointSignals]) -> [Int] {
        var counts = [Int](repeating: 0, count: slots.count)
        var occurrences: [(time: Int64, index: Int)] = []
        occurrences.reserveCapacity(detections.count)
        for i in detections.indices where texts[i].endpoint != nil {
            occurrences.append((detections[i].lastSeen.storeMilliseconds, i))
        }
        occurrences.sort { ($0.time, $0.index) < ($1.time, $1.index) }
        var order = slots.indices.filter { texts[slots[$0].index].endpoint != nil }
        order.sort { (slots[$0].last, slots[$0].lastIndex) < (slots[$1].last, slots[$1].lastIndex) }
        var next = 0
        func noteUpTo(_ time: Int64, _ index: Int) {
            while next < occurrences.count, (occurrences[next].time, occurrences[next].index) < (time, index) {
                let i = occurrences[next].index
                signals[texts[i].endpoint!]?.noteCorroborating(signatureID: detections[i].signature.id,
                                                               name: detections[i].signature.name, last: occurrences[next].time)
                next += 1
            }
        }
        for s in order {
            let slot = slots[s]
            noteUpTo(slot.last, slot.lastIndex)
            counts[s] = signals[texts[slot.index].endpoint!]?
                .corroborating(excluding: detections[slot.index].signature.id, since: slot.last - Self.corroborationWindow) ?? 0
        }
        noteUpTo(.max, .max)
        return counts
    }

    /// Evaluates each slot's urgency (its explanation into `reasons`, by slot) and writes
    /// its row.
    private func writeDetections(_ slots: inout [Slot], reasons: inout [String], signals: inout [EndpointSignals.Key: EndpointSignals],
                                 corroboration: [Int], result: inout BatchCommitResult) throws {
        guard !slots.isEmpty else { return }
        var insertMany = try RawStatement(db, sql: DetectionRow.insertSQL(rows: Self.insertChunk))
        var insertOne = try RawStatement(db, sql: DetectionRow.insertSQL(rows: 1))
        // A statement naming `urgency` brings in the urgency trigger, and a statement with a
        // trigger keeps a statement journal: a copy of every page the update changes. Only
        // a repeat that changes the row's urgency pays for that.
        var move = try RawStatement(db, sql: """
            UPDATE detections SET count = ?, first_seen = ?, last_seen = ?, urgency_reason = ? WHERE id = ?
            """)
        var regrade = try RawStatement(db, sql: """
            UPDATE detections SET count = ?, first_seen = ?, last_seen = ?, urgency = ?, urgency_reason = ? WHERE id = ?
            """)
        // A repeat within the row's activity at the same urgency (a log read twice, a late
        // copy) changes no indexed column: naming none leaves the row's six index entries alone.
        var recount = try RawStatement(db, sql: "UPDATE detections SET count = ?, urgency_reason = ? WHERE id = ?")
        var memo = cache.takeUrgencyMemo(rules: rules)
        defer { cache.keep(memo) }
        /// Evaluates slot `i` and writes its row, except two kinds the caller writes: a new
        /// row (`insertPending`) and a regrade, which must come after those inserts because
        /// its trigger reads the detections.
        func write(_ i: Int, _ d: inout Detection, _ text: inout PreparedIngestBatch.DetectionText) throws -> SlotWrite {
            let slot = slots[i]
            let input = UrgencyInput(severity: d.severity, vendorSeverity: d.vendorSeverity, category: d.signature.category,
                                     signatureID: d.signature.id, endpoint: d.endpoint,
                                     asset: Self.asset(of: customers[d.customerID], endpoint: d.endpoint, source: d.sourceIP,
                                                       destination: d.destinationIP),
                                     corroboratingSignatures: corroboration[i], count: slot.count)
            let (urgency, explanation) = memo.evaluate(input)
            slots[i].urgency = urgency
            reasons[i] = explanation
            if slot.existingID != nil, slot.storedUrgency != urgency, !cache.tally.isEmpty {
                // The urgency trigger moves the row between groups that the held tally may
                // not have written yet: it must find them written.
                try cache.writeTally(db)
            }
            cache.tally.add(signature: d.signature, ingestTime: d.ingestTime, strings: text.tally, urgency: urgency,
                            lastSeen: slot.last, isNew: slot.existingID == nil)
            if let id = slot.existingID, slot.first == slot.storedFirst, slot.last == slot.storedLast,
               slot.storedUrgency == urgency {
                recount.bind(slot.count); recount.bind(explanation); recount.bind(id)
                try recount.run()
            } else if let id = slot.existingID, slot.storedUrgency == urgency {
                move.bind(slot.count); move.bind(slot.first); move.bind(slot.last); move.bind(explanation); move.bind(id)
                try move.run()
            }
            if let key = text.endpoint {
                signals[key]!.noteOpen(signatureID: d.signature.id, name: d.signature.name, urgency: urgency,
                                       addedCount: slot.count - slot.storedCount, last: slot.last)
            }
            guard let id = slot.existingID else { return .new }
            return slot.storedUrgency == urgency ? .written : .regrade(id)
        }
        // Each detection and its texts are lent to `write` in place. Passed as values, the
        // array's elements were copied first: every string in them retained, on this thread,
        // and released again (Swift copies a large struct read from memory before a call
        // that borrows it; an inout argument it lends by address). `write` changes neither.
        try detections.withUnsafeBufferPointer { detections in
            try texts.withUnsafeBufferPointer { texts in
                let d = UnsafeMutablePointer(mutating: detections.baseAddress!) // slots is not empty
                let t = UnsafeMutablePointer(mutating: texts.baseAddress!)
                var pending: [Int] = [] // slots of new rows, not inserted yet
                pending.reserveCapacity(Self.insertChunk)
                func bindRow(_ i: Int, into statement: inout RawStatement) {
                    let s = slots[i]
                    DetectionRow.bindInsert(&d[s.index], text: &t[s.index], count: s.count, first: s.first, last: s.last,
                                            urgency: s.urgency, reason: reasons[i], into: &statement)
                }
                func insertPending() throws {
                    guard !pending.isEmpty else { return }
                    if pending.count == Self.insertChunk {
                        for i in pending { bindRow(i, into: &insertMany) }
                        try insertMany.run()
                        // The rows of one statement get consecutive ids: each new rowid is
                        // one past the largest so far (AUTOINCREMENT), and this transaction
                        // is the only writer.
                        let last = db.lastInsertedRowID
                        for (k, i) in pending.enumerated() { slots[i].existingID = last - Int64(pending.count - 1 - k) }
                    } else {
                        for i in pending {
                            bindRow(i, into: &insertOne)
                            try insertOne.run()
                            slots[i].existingID = db.lastInsertedRowID
                        }
                    }
                    result.inserted += pending.count
                    pending.removeAll(keepingCapacity: true)
                }
                for i in slots.indices {
                    switch try write(i, &d[slots[i].index], &t[slots[i].index]) {
                    case .new:
                        pending.append(i)
                        if pending.count == Self.insertChunk { try insertPending() }
                    case .regrade(let id):
                        // The urgency trigger recounts the row's old groups from the detections.
                        try insertPending()
                        let slot = slots[i]
                        regrade.bind(slot.count); regrade.bind(slot.first); regrade.bind(slot.last)
                        regrade.bind(slot.urgency.rawValue); regrade.bind(reasons[i]); regrade.bind(id)
                        try regrade.run()
                    case .written:
                        break
                    }
                }
                try insertPending()
            }
        }
        for (key, value) in signals { cache.endpoints[key] = value }
        for slot in slots {
            cache.open.remember(texts[slot.index].aggregate, id: slot.existingID!, count: slot.count, first: slot.first, last: slot.last,
                                urgency: slot.urgency)
        }
    }

    /// Urgencies a customer's contract sends without an analyst's confirmation go to the
    /// outbox with the batch that stored them: a new detection, or a repeat that raised its
    /// row into such an urgency. Costs nothing for customers without that clause.
    private func notifyWithoutConfirmation(_ slots: [Slot], reasons: [String]) throws {
        guard customers.values.contains(where: { !$0.contract.sendWithoutConfirmation.isEmpty }) else { return }
        var group: String?
        for (slot, reason) in zip(slots, reasons) {
            guard let customer = customers[detections[slot.index].customerID], customer.contract.sendWithoutConfirmation.contains(slot.urgency),
                  let id = slot.existingID, slot.storedUrgency.map({ $0 > slot.urgency }) ?? true else { continue }
            var d = detections[slot.index]
            d.id = id
            d.urgency = slot.urgency
            d.urgencyReason = reason
            d.count = slot.count
            d.firstSeen = Date(storeMilliseconds: slot.first)
            d.lastSeen = Date(storeMilliseconds: slot.last)
            guard let item = OutboxItems.item(kind: .detection, detections: [d], incidentID: nil, actor: "contract (no confirmation)",
                                              note: nil, at: now) else { continue }
            if group == nil { group = AuditLog.newGroupID() }
            try OutboxItems.insert(db, item, group: group!, at: now)
        }
    }

    /// The critical asset covering the endpoint, else the heavier one covering either side.
    /// Takes the detection's addresses rather than the detection, which a call would copy.
    private static func asset(of customer: Customer?, endpoint: IPAddress?, source: IPAddress?,
                              destination: IPAddress?) -> CriticalAsset? {
        guard let customer else { return nil }
        if let endpoint, let asset = customer.criticalAsset(for: endpoint) { return asset }
        return [source, destination].compactMap { $0.flatMap(customer.criticalAsset(for:)) }.max { $0.weight < $1.weight }
    }
}
