import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    /// Upserts every endpoint the batch implicates: one statement per endpoint. Its
    /// counters are written with the batch; its risk score too when the batch settles (or
    /// scores have waited `IngestWriteCache.maxRiskDeferral`), else the endpoint is marked
    /// stale and scored with the next batch that settles. Scoring is most of an endpoint's
    /// cost, and while a backlog is read every batch touches the same few thousand.
    func upsertEndpoints(_ slots: [Slot], signals: [EndpointSignals.Key: EndpointSignals], settles: Bool) throws -> Int {
        struct Touch { var address: IPAddress; var mac: String?; var hostname: String?; var first: Int64; var last: Int64; var newRows: Int }
        var order: [EndpointSignals.Key] = []
        var touches: [EndpointSignals.Key: Touch] = [:]
        for slot in slots {
            let d = detections[slot.index]
            guard let key = texts[slot.index].endpoint, let endpoint = d.endpoint else { continue }
            let isSource = endpoint == d.sourceIP
            let mac = isSource ? d.evidence.sourceMAC : nil
            let hostname = isSource ? d.evidence.sourceHostname : nil
            let isNew = slot.storedUrgency == nil && slot.storedCount == 0
            if var t = touches[key] {
                t.first = min(t.first, slot.first)
                t.last = max(t.last, slot.last)
                t.mac = mac ?? t.mac
                t.hostname = hostname ?? t.hostname
                t.newRows += isNew ? 1 : 0
                touches[key] = t
            } else {
                order.append(key)
                touches[key] = Touch(address: endpoint, mac: mac, hostname: hostname, first: slot.first, last: slot.last, newRows: isNew ? 1 : 0)
            }
        }
        let scoring = settles || cache.riskDeferralExpired(now: now)
        var upsert = try RawStatement(db, sql: scoring ? Self.upsertScored : Self.upsertCounted)
        for key in order {
            let t = touches[key]!
            upsert.bind(key.customerID); upsert.bind(key.endpoint); upsert.bind(t.mac); upsert.bind(t.hostname)
            upsert.bind(t.first); upsert.bind(t.last); upsert.bind(t.newRows)
            if scoring {
                let open = signals[key]?.riskSignals ?? []
                let risk = EndpointRiskScorer.score(signals: open, asset: customers[key.customerID]?.criticalAsset(for: t.address), now: now)
                upsert.bind(risk.score); upsert.bind(JSONText.array(risk.explanation)); upsert.bind(open.count)
            } else {
                cache.staleRisk.insert(key)
            }
            try upsert.run()
        }
        if scoring {
            for key in order { cache.staleRisk.remove(key) }
            try rescoreStale()
        }
        return order.count
    }

    /// Scores the endpoints still marked stale: those earlier batches put off, and after a
    /// restart those a previous writer left (read once from the store).
    private func rescoreStale() throws {
        if !cache.staleRiskLoaded {
            let rows = try Row.fetchCursor(db, sql: "SELECT customer_id, ip FROM endpoints WHERE risk_stale = 1")
            while let row = try rows.next() {
                cache.staleRisk.insert(EndpointSignals.Key(customerID: row[0], endpoint: row[1]))
            }
            cache.staleRiskLoaded = true
        }
        cache.riskScored(at: now)
        guard !cache.staleRisk.isEmpty else { return }
        var missing: [String: [String]] = [:]
        for key in cache.staleRisk where cache.endpoints[key] == nil {
            missing[key.customerID, default: []].append(key.endpoint)
        }
        var loaded: [EndpointSignals.Key: EndpointSignals] = [:]
        let since = now.storeMilliseconds - EndpointScoring.lookbackMilliseconds
        for (customer, endpoints) in missing {
            for (endpoint, signals) in try EndpointSignals.load(db, customer: customer, endpoints: endpoints, openSince: since, corroborationSince: since) {
                loaded[EndpointSignals.Key(customerID: customer, endpoint: endpoint)] = signals
            }
        }
        var update = try RawStatement(db, sql: """
            UPDATE endpoints SET risk_score = ?, risk_explanation = ?, distinct_signatures = ?, risk_stale = 0
            WHERE customer_id = ? AND ip = ?
            """)
        for key in cache.staleRisk {
            let open = (cache.endpoints[key] ?? loaded[key])?.riskSignals ?? []
            let asset = IPAddress(key.endpoint).flatMap { customers[key.customerID]?.criticalAsset(for: $0) }
            let risk = EndpointRiskScorer.score(signals: open, asset: asset, now: now)
            update.bind(risk.score); update.bind(JSONText.array(risk.explanation)); update.bind(open.count)
            update.bind(key.customerID); update.bind(key.endpoint)
            try update.run()
        }
        cache.staleRisk.removeAll(keepingCapacity: true)
    }

    static let upsertScored = """
        INSERT INTO endpoints (customer_id, ip, mac, hostname, first_seen, last_seen, detection_count,
                               risk_score, risk_explanation, distinct_signatures)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(customer_id, ip) DO UPDATE SET
            mac = coalesce(excluded.mac, mac), hostname = coalesce(excluded.hostname, hostname),
            first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
            detection_count = detection_count + excluded.detection_count,
            risk_score = excluded.risk_score, risk_explanation = excluded.risk_explanation,
            distinct_signatures = excluded.distinct_signatures, risk_stale = 0
        """

    static let upsertCounted = """
        INSERT INTO endpoints (customer_id, ip, mac, hostname, first_seen, last_seen, detection_count, risk_stale)
        VALUES (?, ?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT(customer_id, ip) DO UPDATE SET
            mac = coalesce(excluded.mac, mac), hostname = coalesce(excluded.hostname, hostname),
            first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
            detection_count = detection_count + excluded.detection_count, risk_stale = 1
        """
}
