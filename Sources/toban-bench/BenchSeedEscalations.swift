// Seeds the console benchmark's store with the escalation side of a busy SOC: incidents
// (three detections each) and customer notifications (most sent, the rest waiting, held,
// failed or dead), in bulk like the detections.
import Foundation
import GRDB
import TobanCore
import TobanStore

extension BenchSeed {
    static func seedEscalations(path: String, incidents: Int, notifications: Int, now: Date) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let existing = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incidents") ?? 0 }
        guard existing == 0 else { return }
        let t = Int64(now.timeIntervalSince1970 * 1000)
        try queue.write { db in
            try db.execute(sql: """
                WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
                INSERT INTO incidents (id, customer_id, title, urgency, state, outcome, endpoints, owner, escalated_to, acknowledge_by,
                                       created_at, updated_at, comment, urgency_reason)
                SELECT i, 'c' || (i % \(customerCount)), 'ET BENCH signature ' || (i % \(signatures)) || ' activity', 1 + i % 4,
                       CASE i % 10 WHEN 0 THEN 'open' WHEN 1 THEN 'investigating' WHEN 2 THEN 'customer_notified' WHEN 3 THEN 'contained'
                                   ELSE 'closed' END,
                       CASE WHEN i % 10 >= 4 THEN 'true_positive' END,
                       '["10.' || (i % \(customerCount)) || '.0.' || (1 + i % 250) || '"]', 'analyst' || (i % 12), NULL,
                       CASE WHEN i % 10 = 0 THEN ? + (i % 60) * 60000 END, ? - i * 60000, ? - i * 60000, 'bench', 'severity'
                FROM seq
                """, arguments: [incidents, t, t, t])
            try db.execute(sql: """
                WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
                INSERT OR IGNORE INTO incident_detections (incident_id, detection_id)
                SELECT 1 + (i - 1) / 3, i * 7 FROM seq
                """, arguments: [incidents * 3])
            try db.execute(sql: """
                WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
                INSERT INTO notifications (customer_id, incident_id, detection_ids, urgency, channel, recipients, language, subject, body,
                                           state, due_at, sent_at, attempts, last_error, created_at, kind, delivery_class, target,
                                           message_id, revision, held_reason, last_response)
                SELECT 'c' || (i % \(customerCount)), 1 + i % ?, '[' || (i * 7) || ']', 1 + i % 5, 'mail', '["soc@c' || (i % \(customerCount)) || '.example"]',
                       'ja', '★★★【緊急】bench ' || i, 'body ' || i,
                       CASE WHEN i % 100 < 97 THEN 'sent' WHEN i % 100 = 97 THEN 'approved' WHEN i % 100 = 98 THEN 'held' ELSE 'dead' END,
                       ? - i * 30000, CASE WHEN i % 100 < 97 THEN ? - i * 30000 + 2000 END, 1,
                       CASE WHEN i % 100 = 99 THEN 'exit 69: connection refused' END, ? - i * 30000,
                       'single', 'prompt', 'mail', '<bench.' || i || '@soc.example>', 0,
                       CASE WHEN i % 100 = 98 THEN 'waiting for the customer call' END,
                       CASE WHEN i % 100 < 97 THEN '250 2.0.0 Ok: queued' END
                FROM seq
                """, arguments: [notifications, incidents, t, t, t])
        }
    }
}
