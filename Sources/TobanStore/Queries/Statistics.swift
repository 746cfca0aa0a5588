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
    /// Open detections per customer and urgency (read from the partial queue index).
    public func openCountsByCustomerAndUrgency() throws -> [OpenCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT customer_id, urgency, COUNT(*) AS n FROM detections INDEXED BY \(StoreMigrations.Index.queue)
                WHERE status <> 'closed' AND urgency BETWEEN 1 AND 5
                GROUP BY customer_id, urgency ORDER BY customer_id, urgency
                """).map { OpenCount(customerID: $0["customer_id"], urgency: Urgency(rawValue: $0["urgency"]) ?? .p5, count: $0["n"]) }
        }
    }

    /// New detection rows per bucket (by ingest time) over the last `span` before `now`,
    /// oldest first, empty buckets included. Read from the ingest-time index.
    public func detectionRate(bucketMinutes: Int = 1, span: TimeInterval = 3600, now: Date) throws -> [RateBucket] {
        let bucket = Int64(max(1, bucketMinutes)) * 60_000
        let end = now.storeMilliseconds
        let bucketCount = Int((span.milliseconds + bucket - 1) / bucket)
        let start = end - Int64(bucketCount) * bucket
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT (ingest_time - ?) / ? AS slot, COUNT(*) AS n FROM detections INDEXED BY \(StoreMigrations.Index.ingestTime)
                WHERE ingest_time >= ? AND ingest_time < ? GROUP BY slot
                """, arguments: [start, bucket, start, end])
        }
        var counts = Array(repeating: 0, count: bucketCount)
        for row in rows {
            let slot: Int = row["slot"]
            if slot >= 0 && slot < bucketCount { counts[slot] = row["n"] }
        }
        return counts.enumerated().map { RateBucket(start: Date(storeMilliseconds: start + Int64($0.offset) * bucket), count: $0.element) }
    }
}
