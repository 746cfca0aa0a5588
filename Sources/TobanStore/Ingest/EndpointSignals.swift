import Foundation
import GRDB
import TobanCore

/// What the ingest writer needs to know of an endpoint's detections, per signature: the
/// open ones (for its risk score) and the latest that still corroborates (for urgency).
/// Read from the table once per endpoint, then kept up to date in `IngestWriteCache` from
/// the rows the writer itself writes, so a batch never re-reads an endpoint's detections.
struct EndpointSignals {
    /// Hashed once, where it is made (for a detection: on the reading thread, in
    /// `prepare`): the writer looks each detection's endpoint up several times, and hashing
    /// two strings each time was a few percent of its work.
    struct Key: PrehashedKey {
        let customerID: String
        let endpoint: String
        let hashWord: Int

        init(customerID: String, endpoint: String) {
            self.customerID = customerID
            self.endpoint = endpoint
            var hasher = Hasher()
            hasher.combine(customerID)
            hasher.combine(endpoint)
            hashWord = hasher.finalize()
        }

        static func == (a: Key, b: Key) -> Bool {
            a.hashWord == b.hashWord && a.endpoint == b.endpoint && a.customerID == b.customerID
        }
    }

    struct Signature {
        var name: String
        /// Most urgent open detection (Urgency raw value), or `Signature.none`.
        var openUrgency: Int = Signature.none
        var openCount: Int = 0
        var openLast: Int64 = .min
        /// Latest activity of a detection that was not dismissed (false positive / no action).
        var corroboratingLast: Int64 = .min
        static let none = Int.max
    }

    var bySignature: [String: Signature] = [:]

    /// Other signatures on this endpoint active at or after `since`.
    func corroborating(excluding signatureID: String, since: Int64) -> Int {
        var n = 0
        for (id, s) in bySignature where id != signatureID && s.corroboratingLast >= since { n += 1 }
        return n
    }

    /// The open signatures as the risk scorer takes them.
    var riskSignals: [EndpointSignal] {
        bySignature.compactMap { id, s in
            guard s.openUrgency != Signature.none else { return nil }
            return EndpointSignal(signatureID: id, signatureName: s.name, urgency: Urgency(rawValue: s.openUrgency) ?? .p5,
                                  count: s.openCount, lastSeen: Date(storeMilliseconds: s.openLast))
        }.sorted { $0.signatureID < $1.signatureID }
    }

    // Both update the signature in place: one lookup rather than a read and a write.
    mutating func noteCorroborating(signatureID: String, name: String, last: Int64) {
        bySignature[signatureID, default: Signature(name: name)].corroboratingLast.raise(to: last)
    }

    /// An open row was inserted or grew by `addedCount` occurrences.
    mutating func noteOpen(signatureID: String, name: String, urgency: Urgency, addedCount: Int, last: Int64) {
        func note(_ s: inout Signature) {
            s.openUrgency = min(s.openUrgency, urgency.rawValue)
            s.openCount += addedCount
            s.openLast.raise(to: last)
            s.corroboratingLast.raise(to: last)
        }
        note(&bySignature[signatureID, default: Signature(name: name)])
    }

    /// `load` for endpoints of any customers, one customer at a time.
    static func load(_ db: Database, keys: some Sequence<Key>, openSince: Int64,
                     corroborationSince: Int64) throws -> [Key: EndpointSignals] {
        var byCustomer: [String: [String]] = [:]
        for key in keys { byCustomer[key.customerID, default: []].append(key.endpoint) }
        var out: [Key: EndpointSignals] = [:]
        for (customer, endpoints) in byCustomer {
            for (endpoint, signals) in try load(db, customer: customer, endpoints: endpoints, openSince: openSince,
                                                corroborationSince: corroborationSince) {
                out[Key(customerID: customer, endpoint: endpoint)] = signals
            }
        }
        return out
    }

    /// Loads the endpoints of one customer (set-based, 500 per query): open detections
    /// active since `openSince` (named as those rows name the signature) and corroborating
    /// ones since `corroborationSince`. Also what `EndpointScoring` re-scores from.
    static func load(_ db: Database, customer: String, endpoints: [String], openSince: Int64,
                     corroborationSince: Int64) throws -> [String: EndpointSignals] {
        var out: [String: EndpointSignals] = [:]
        for endpoint in endpoints { out[endpoint] = EndpointSignals() }
        for chunk in endpoints.paddedChunks() {
            let endpointRows = EndpointHash.rows(customer: customer, endpoints: chunk)
            var args: StatementArguments = [openSince, openSince, openSince, openSince, corroborationSince]
            args += endpointRows.arguments
            args += [min(openSince, corroborationSince)]
            let statement = try db.cachedStatement(sql: """
                SELECT endpoint, signature_id,
                       COALESCE(MAX(CASE WHEN status <> 'closed' AND last_seen >= ? THEN signature_name END), MAX(signature_name)),
                       MIN(CASE WHEN status <> 'closed' AND last_seen >= ? THEN urgency END),
                       SUM(CASE WHEN status <> 'closed' AND last_seen >= ? THEN count ELSE 0 END),
                       MAX(CASE WHEN status <> 'closed' AND last_seen >= ? THEN last_seen END),
                       MAX(CASE WHEN NOT (status = 'closed' AND disposition IN ('false_positive', 'no_action'))
                                 AND last_seen >= ? THEN last_seen END)
                FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime)
                WHERE \(endpointRows.sql) AND last_seen >= ?
                GROUP BY endpoint, signature_id
                """)
            let rows = try Row.fetchCursor(statement, arguments: args)
            while let row = try rows.next() {
                let endpoint: String = row[0]
                var s = Signature(name: row[2])
                if let urgency = row[3] as Int? {
                    s.openUrgency = urgency
                    s.openCount = row[4]
                    s.openLast = row[5]
                }
                s.corroboratingLast = (row[6] as Int64?) ?? .min
                out[endpoint, default: EndpointSignals()].bySignature[row[1]] = s
            }
        }
        return out
    }
}

private extension Int64 {
    mutating func raise(to value: Int64) {
        if value > self { self = value }
    }
}
