// Seeds the console benchmark's store in bulk: one INSERT … SELECT over a recursive CTE
// (a minute for a million rows, where the ingest commit path takes several), then the
// endpoints and the queue aggregates derived from those rows. The rows have the shape the
// commit path would give them (open, each its own aggregation key); urgency follows
// severity, raised by one for three rows in four as endpoint corroboration would.
import Foundation
import GRDB
import TobanCore
import TobanStore

enum BenchSeed {
    static let customerCount = 20
    static let hostsPerCustomer = 500
    static let signatures = 3000

    static let customers: [Customer] = (0..<customerCount).map { i in
        Customer(id: "c\(i)", displayName: i % 2 == 0 ? "株式会社テスト\(i)" : "Customer \(i)",
                 networks: [try! CIDR(parsing: "10.\(i).0.0/16")], sensors: ["s\(i)"])
    }

    /// `count` detections, the newest at `now`, one every 500 ms before it.
    static func seed(path: String, count: Int, now: Date) throws {
        let store = try TobanStore(path: path) // creates the schema
        try store.saveCustomers(customers, at: now)
        try store.close()

        let queue = try DatabaseQueue(path: path)
        let chunk = 200_000
        let started = Date()
        var made = 0
        while made < count {
            let n = min(chunk, count - made)
            try queue.write { db in
                db.add(function: EndpointHash.sqlFunction)
                try db.execute(sql: """
                    WITH RECURSIVE seq(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?),
                    r AS (SELECT i, i % \(customerCount) AS c, (i / \(customerCount)) % \(hostsPerCustomer) AS host,
                                 ? - (? - i) * 500 AS t,
                                 CASE i % 8 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 3 WHEN 3 THEN 3 WHEN 7 THEN 5 ELSE 4 END AS sev
                          FROM seq),
                    e AS (SELECT r.*, '10.' || c || '.' || (host / 250) || '.' || (host % 250 + 1) AS ep,
                                 max(1, sev - (i % 4 <> 0)) AS urg FROM r)
                    INSERT INTO detections (customer_id, sensor, source_format, source_name, source_offset, event_time, ingest_time,
                        signature_id, signature_name, category, vendor_severity, severity, urgency, urgency_reason,
                        src_ip, src_port, dest_ip, dest_port, transport, endpoint, evidence, count, first_seen, last_seen,
                        status, disposition, assignee, raw, aggregation_key, endpoint_hash)
                    SELECT 'c' || c, 's' || c, 'eve', 'eve', i * 400, t, t,
                        CAST(2000000 + i % \(signatures) AS TEXT), 'ET BENCH signature ' || (i % \(signatures)) || ' activity', 'Misc',
                        '2', sev, urg, 'severity P' || sev || CASE WHEN urg < sev THEN ', corroborated +1' ELSE '' END,
                        ep, 40000 + i % 20000, '198.51.' || ((i / 256) % 256) || '.' || (i % 256), 443, 'TCP', ep, '{}', 1, t, t,
                        'new', NULL, NULL, '{"alert":{"signature":"ET BENCH signature ' || (i % \(signatures)) || '"},"n":' || i || '}',
                        'bench|' || i, toban_endpoint_hash('c' || c, ep)
                    FROM e ORDER BY i
                    """, arguments: [made, made + n, Int64(now.timeIntervalSince1970 * 1000), count])
            }
            made += n
            FileHandle.standardError.write(Data(String(format: "  seeded %d detections (%.0f s)\n", made, Date().timeIntervalSince(started)).utf8))
        }
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO endpoints (customer_id, ip, first_seen, last_seen, detection_count, distinct_signatures, risk_score)
                SELECT customer_id, endpoint, MIN(first_seen), MAX(last_seen), COUNT(*), COUNT(DISTINCT signature_id), COUNT(*) / 10.0
                FROM detections GROUP BY customer_id, endpoint
                """)
        }
        try queue.close()
        let again = try TobanStore(path: path)
        try again.rebuildQueueAggregates()
        try again.close()
    }
}
