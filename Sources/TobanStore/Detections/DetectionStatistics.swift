import Foundation
import GRDB
import TobanCore

/// Open detections of one customer at one urgency.
public struct OpenCount: Sendable, Equatable {
    public var customerID: String
    public var urgency: Urgency
    public var count: Int
}

/// Detections created in one time bucket.
public struct RateBucket: Sendable, Equatable {
    public var start: Date
    public var count: Int
}

extension TobanStore {
    /// Open detections per customer and urgency (the maintained "customer" aggregates: a
    /// read of at most customers × 5 rows).
    public func openCountsByCustomerAndUrgency() throws -> [OpenCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT customer_id, urgency, open_count AS n FROM queue_aggregates
                WHERE dimension = 'customer' AND open_count > 0 ORDER BY customer_id, urgency
                """).map { OpenCount(customerID: $0["customer_id"], urgency: Urgency(rawValue: $0["urgency"]) ?? .p5, count: $0["n"]) }
        }
    }

    /// New detection rows per bucket (by ingest time) over the last `span` up to `now`,
    /// oldest first, empty buckets included. Buckets are whole minutes (the last one is the
    /// minute `now` is in, so far), read from the per-minute arrival counts: one short
    /// primary-key range, whatever the number of detections.
    public func detectionRate(bucketMinutes: Int = 1, span: TimeInterval = 3600, now: Date) throws -> [RateBucket] {
        let perBucket = Int64(max(1, bucketMinutes))
        let endMinute = now.storeMilliseconds / 60_000 + 1 // exclusive
        let bucketCount = Int((span.milliseconds / 60_000 + perBucket - 1) / perBucket)
        let startMinute = endMinute - Int64(bucketCount) * perBucket
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT minute, count FROM detection_arrivals WHERE minute >= ? AND minute < ?",
                             arguments: [startMinute, endMinute])
        }
        var counts = Array(repeating: 0, count: bucketCount)
        for row in rows {
            let slot = Int((row["minute"] as Int64 - startMinute) / perBucket)
            if slot >= 0 && slot < bucketCount { counts[slot] += row["count"] as Int }
        }
        return counts.enumerated().map { RateBucket(start: Date(storeMilliseconds: (startMinute + Int64($0.offset) * perBucket) * 60_000), count: $0.element) }
    }
}
