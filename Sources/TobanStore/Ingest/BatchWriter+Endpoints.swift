import Foundation
import GRDB
import TobanCore

extension BatchWriter {
    /// Upserts every endpoint the batch implicates and re-scores it from its signals
    /// (`EndpointSignals`, already updated with the batch): one statement per endpoint.
    func upsertEndpoints(_ slots: [Slot], signals: [EndpointSignals.Key: EndpointSignals]) throws -> Int {
        struct Touch { var address: IPAddress; var mac: String?; var hostname: String?; var first: Int64; var last: Int64; var newRows: Int }
        var order: [EndpointSignals.Key] = []
        var touches: [EndpointSignals.Key: Touch] = [:]
        for slot in slots {
            let d = slot.template
            guard let key = slot.endpointKey, let endpoint = d.endpoint else { continue }
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
        var upsert = try RawStatement(db, sql: """
            INSERT INTO endpoints (customer_id, ip, mac, hostname, first_seen, last_seen, detection_count,
                                   risk_score, risk_explanation, distinct_signatures)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(customer_id, ip) DO UPDATE SET
                mac = coalesce(excluded.mac, mac), hostname = coalesce(excluded.hostname, hostname),
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
                detection_count = detection_count + excluded.detection_count,
                risk_score = excluded.risk_score, risk_explanation = excluded.risk_explanation,
                distinct_signatures = excluded.distinct_signatures
            """)
        for key in order {
            let t = touches[key]!
            let open = signals[key]?.riskSignals ?? []
            let asset = customers[key.customerID]?.criticalAsset(for: t.address)
            let risk = EndpointRiskScorer.score(signals: open, asset: asset, now: now)
            upsert.bind(key.customerID); upsert.bind(key.endpoint); upsert.bind(t.mac); upsert.bind(t.hostname)
            upsert.bind(t.first); upsert.bind(t.last); upsert.bind(t.newRows)
            upsert.bind(risk.score); upsert.bind(JSONText.array(risk.explanation)); upsert.bind(open.count)
            try upsert.run()
        }
        return order.count
    }
}
