import Foundation
import GRDB
import TobanCore

/// What the batches since an endpoint's row was last written add to it.
struct EndpointTouch {
    var address: IPAddress
    var mac: String?
    var hostname: String?
    var first: Int64
    var last: Int64
    var newRows: Int

    mutating func merge(_ later: EndpointTouch) {
        first = min(first, later.first)
        last = max(last, later.last)
        mac = later.mac ?? mac
        hostname = later.hostname ?? hostname
        newRows += later.newRows
    }
}

extension BatchWriter {
    /// Brings every endpoint the batch implicates up to date, or marks it to be.
    ///
    /// A batch that settles (or once endpoints have waited `maxEndpointDeferral`) writes
    /// each endpoint's counters and risk score, and those of every endpoint waiting. While a
    /// backlog is read, a batch instead only adds to an endpoint's counters in memory, and
    /// the first time marks it in `endpoint_marks` (so that a writer that starts after a
    /// crash recounts it): batch after batch touches the same few thousand endpoints, and
    /// rewriting and re-scoring each was a fifth of the commit thread's time. The mark is
    /// appended to a table of its own, not set in the endpoint's row: those rows lie at
    /// random places, and a batch marking a few hundred of them rewrote most of the table's
    /// pages. So an endpoint first seen during a backlog gets its row when it settles.
    ///
    /// A MAC address or host name is written at once, with the counters held for the
    /// endpoint (it cannot be counted again from detections), and the row marked `stale`.
    func upsertEndpoints(_ slots: [Slot], signals: [EndpointSignals.Key: EndpointSignals], settles: Bool) throws -> Int {
        var order: [EndpointSignals.Key] = []
        var touches: [EndpointSignals.Key: EndpointTouch] = [:]
        // Borrowed from the batch, not copied (a detection is dozens of strings).
        func touch(_ d: borrowing Detection, _ slot: Slot) -> EndpointTouch? {
            guard let endpoint = d.endpoint else { return nil }
            let isSource = endpoint == d.sourceIP
            return EndpointTouch(address: endpoint, mac: isSource ? d.evidence.sourceMAC : nil,
                                 hostname: isSource ? d.evidence.sourceHostname : nil, first: slot.first, last: slot.last,
                                 newRows: slot.storedUrgency == nil && slot.storedCount == 0 ? 1 : 0)
        }
        for slot in slots {
            guard let key = texts[slot.index].endpoint, let touch = touch(detections[slot.index], slot) else { continue }
            if touches[key] == nil {
                order.append(key)
                touches[key] = touch
            } else {
                touches[key]!.merge(touch)
            }
        }
        if settles || cache.endpointDeferralExpired(now: now) {
            for key in order { cache.hold(touches[key]!, for: key) }
            try settleEndpoints()
            return order.count
        }
        var appendMark = try RawStatement(db, sql: "INSERT INTO endpoint_marks (customer_id, ip) VALUES (?, ?)")
        var writeMarked = try RawStatement(db, sql: Self.upsertMarked)
        for key in order {
            var t = touches[key]!
            if t.mac == nil && t.hostname == nil {
                if cache.staleEndpoints.insert(key).inserted {
                    appendMark.bind(key.customerID); appendMark.bind(key.endpoint)
                    try appendMark.run()
                }
                cache.hold(t, for: key)
                continue
            }
            if let held = cache.pendingEndpoints.removeValue(forKey: key) {
                var combined = held
                combined.merge(t)
                t = combined
            }
            writeMarked.bind(key.customerID); writeMarked.bind(key.endpoint); writeMarked.bind(t.mac); writeMarked.bind(t.hostname)
            writeMarked.bind(t.first); writeMarked.bind(t.last); writeMarked.bind(t.newRows)
            try writeMarked.run()
            cache.staleEndpoints.insert(key)
        }
        return order.count
    }

    /// Writes every waiting endpoint: the counters held for it added, or, for one whose
    /// counters are not held (marked by a writer that stopped, or held across another
    /// connection's commit, which may have erased it), counted again from its detections;
    /// and its risk score.
    private func settleEndpoints() throws {
        // Marks found in the store were left by an earlier writer (or by this one before the
        // cache was emptied): what they lack is not held here, so they are recounted.
        var recount: Set<EndpointSignals.Key> = []
        // Marks may be stored: this writer's, or ones an earlier writer left (read below).
        var mayHaveMarks = !cache.staleEndpoints.isEmpty
        if !cache.staleEndpointsLoaded {
            for sql in ["SELECT customer_id, ip FROM endpoints WHERE stale = 1", "SELECT customer_id, ip FROM endpoint_marks"] {
                let rows = try Row.fetchCursor(db, sql: sql)
                while let row = try rows.next() { recount.insert(EndpointSignals.Key(customerID: row[0], endpoint: row[1])) }
            }
            mayHaveMarks = mayHaveMarks || !recount.isEmpty
            cache.staleEndpointsLoaded = true
        }
        // Every mark is settled below, in this transaction.
        if mayHaveMarks { try db.execute(sql: "DELETE FROM endpoint_marks") }
        if !cache.pendingComplete { recount.formUnion(cache.pendingEndpoints.keys) }
        let heldBack = cache.pendingEndpoints
        let held = heldBack.filter { !recount.contains($0.key) }
        // Marked by this writer with nothing added since: its counters are right.
        let scoreOnly = cache.staleEndpoints.filter { held[$0] == nil && !recount.contains($0) }
        cache.endpointsSettled(at: now)
        defer {
            cache.pendingEndpoints = [:]
            cache.staleEndpoints = []
            cache.pendingComplete = true
        }
        guard !held.isEmpty || !recount.isEmpty || !scoreOnly.isEmpty else { return }
        let since = now.storeMilliseconds - EndpointScoring.lookbackMilliseconds
        let missing = held.keys.filter { cache.endpoints[$0] == nil } + recount.union(scoreOnly).filter { cache.endpoints[$0] == nil }
        let loaded = try EndpointSignals.load(db, keys: missing, openSince: since, corroborationSince: since)
        // The explanation's lines go from the scorer's bytes straight into their JSON array
        // (as `JSONText.array` writes it), with no string made per line or for the array.
        var explanation = JSONBytes(capacity: 1024)
        /// The score and the open signatures counted; the explanation left in `explanation`.
        func risk(_ key: EndpointSignals.Key, address: IPAddress?) -> (score: Double, signatures: Int) {
            let open = (cache.endpoints[key] ?? loaded[key])?.riskSignals ?? []
            let asset = address.flatMap { customers[key.customerID]?.criticalAsset(for: $0) }
            explanation.reset()
            explanation.append(byte: 0x5B)
            let score = EndpointRiskScorer.score(signals: open, asset: asset, now: now) { line in
                if explanation.bytes.count > 1 { explanation.append(byte: 0x2C) }
                explanation.appendQuoted(utf8: line)
            }
            explanation.append(byte: 0x5D)
            return (score, open.count)
        }
        var upsert = try RawStatement(db, sql: Self.upsertScored)
        /// One endpoint through `upsertScored` or `upsertRecounted`.
        func write(_ statement: inout RawStatement, _ key: EndpointSignals.Key, address: IPAddress?, mac: String?, hostname: String?,
                   first: Int64, last: Int64, rows: Int) throws {
            let (score, signatures) = risk(key, address: address)
            statement.bind(key.customerID); statement.bind(key.endpoint); statement.bind(mac); statement.bind(hostname)
            statement.bind(first); statement.bind(last); statement.bind(rows)
            statement.bind(score); statement.bind(explanation); statement.bind(signatures)
            try statement.run()
        }
        for (key, t) in held {
            try write(&upsert, key, address: t.address, mac: t.mac, hostname: t.hostname, first: t.first, last: t.last, rows: t.newRows)
        }
        var scored = try RawStatement(db, sql: """
            UPDATE endpoints SET risk_score = ?, risk_explanation = ?, distinct_signatures = ?, stale = 0 WHERE customer_id = ? AND ip = ?
            """)
        func score(_ key: EndpointSignals.Key) throws {
            let (score, signatures) = risk(key, address: heldBack[key]?.address ?? IPAddress(key.endpoint))
            scored.bind(score); scored.bind(explanation); scored.bind(signatures)
            scored.bind(key.customerID); scored.bind(key.endpoint)
            try scored.run()
        }
        for key in scoreOnly { try score(key) }
        guard !recount.isEmpty else { return }
        var counts: [EndpointSignals.Key: (rows: Int, first: Int64, last: Int64)] = [:]
        var byCustomer: [String: [String]] = [:]
        for key in recount { byCustomer[key.customerID, default: []].append(key.endpoint) }
        for (customer, endpoints) in byCustomer {
            for chunk in endpoints.paddedChunks() {
                let endpointRows = EndpointHash.rows(customer: customer, endpoints: chunk)
                let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                    SELECT endpoint, count(*), min(first_seen), max(last_seen) FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                    WHERE \(endpointRows.sql) GROUP BY endpoint
                    """), arguments: endpointRows.arguments)
                while let row = try rows.next() {
                    counts[EndpointSignals.Key(customerID: customer, endpoint: row[0])] = (row[1], row[2], row[3])
                }
            }
        }
        var counted = try RawStatement(db, sql: Self.upsertRecounted)
        for key in recount {
            guard let count = counts[key] else {
                try score(key) // no detection left (erased): the row, if any, only loses its mark
                continue
            }
            try write(&counted, key, address: heldBack[key]?.address ?? IPAddress(key.endpoint), mac: heldBack[key]?.mac,
                      hostname: heldBack[key]?.hostname, first: count.first, last: count.last, rows: count.rows)
        }
    }

    /// Writes an endpoint's counters, combined with the stored ones as `counters` says, and
    /// its score, and clears its mark.
    private static func upsertScoring(counters: String) -> String {
        """
        INSERT INTO endpoints (customer_id, ip, mac, hostname, first_seen, last_seen, detection_count,
                               risk_score, risk_explanation, distinct_signatures)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(customer_id, ip) DO UPDATE SET
            mac = coalesce(excluded.mac, mac), hostname = coalesce(excluded.hostname, hostname), \(counters),
            risk_score = excluded.risk_score, risk_explanation = excluded.risk_explanation,
            distinct_signatures = excluded.distinct_signatures, stale = 0
        """
    }

    /// Counters added to the stored ones.
    static let upsertScored = upsertScoring(counters: """
        first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
            detection_count = detection_count + excluded.detection_count
        """)

    /// Counters counted afresh.
    static let upsertRecounted = upsertScoring(counters: """
        first_seen = excluded.first_seen, last_seen = excluded.last_seen, detection_count = excluded.detection_count
        """)

    static let upsertMarked = """
        INSERT INTO endpoints (customer_id, ip, mac, hostname, first_seen, last_seen, detection_count, stale)
        VALUES (?, ?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT(customer_id, ip) DO UPDATE SET
            mac = coalesce(excluded.mac, mac), hostname = coalesce(excluded.hostname, hostname),
            first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
            detection_count = detection_count + excluded.detection_count, stale = 1
        """
}
