import Foundation
import GRDB
import TobanCore

/// Re-scores endpoints from their open detections (Core's `EndpointRiskScorer`).
enum EndpointScoring {
    /// Detections older than this add under 1 % (half-life 24 h) and are not read.
    static let lookback: TimeInterval = 7 * 86_400
    static let lookbackMilliseconds = Int64(lookback * 1000)

    static func rescore(_ db: Database, customer: String, address: String, asset: CriticalAsset?, now: Date) throws {
        // The same signals the ingest writer keeps (`EndpointSignals`), read afresh.
        let since = now.addingTimeInterval(-lookback).storeMilliseconds
        let loaded = try EndpointSignals.load(db, customer: customer, endpoints: [address], openSince: since, corroborationSince: since)
        let signals = loaded[address]?.riskSignals ?? []
        let risk = EndpointRiskScorer.score(signals: signals, asset: asset, now: now)
        try db.cachedStatement(sql: """
            UPDATE endpoints SET risk_score = ?, risk_explanation = ?, distinct_signatures = ?
            WHERE customer_id = ? AND ip = ?
            """).execute(arguments: [risk.score, JSONText.array(risk.explanation), signals.count, customer, address])
    }

    /// Re-scores the endpoints of the given detections, taking critical assets from the
    /// customers' stored snapshots (used after analyst actions).
    static func rescoreEndpoints(ofDetections ids: [Int64], _ db: Database, now: Date) throws {
        var seen = Set<String>()
        var assetsByCustomer: [String: [CriticalAsset]] = [:]
        for chunk in ids.chunked(500) {
            let marks = [String].marks(chunk.count)
            let rows = try Row.fetchAll(db, sql: "SELECT DISTINCT customer_id, endpoint FROM detections WHERE id IN (\(marks)) AND endpoint IS NOT NULL",
                                        arguments: StatementArguments(chunk))
            for row in rows {
                let customer: String = row["customer_id"]
                let endpoint: String = row["endpoint"]
                guard seen.insert("\(customer)|\(endpoint)").inserted else { continue }
                if assetsByCustomer[customer] == nil {
                    assetsByCustomer[customer] = try CustomerSnapshot.load(db, customer: customer)?.assets ?? []
                }
                let asset = IPAddress(endpoint).flatMap { heaviestAsset(assetsByCustomer[customer] ?? [], covering: $0) }
                try rescore(db, customer: customer, address: endpoint, asset: asset, now: now)
            }
        }
    }
}
