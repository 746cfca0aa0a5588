import Foundation
import GRDB
import TobanCore

/// How many rows a customer erasure removed (counts only: no erased content).
public struct ErasureReport: Sendable, Equatable {
    public var customerID: String
    public var detections: Int
    public var endpoints: Int
    public var contextBuckets: Int
    public var incidents: Int
    public var notifications: Int
    public var sensors: Int
    public var auditEntries: Int
    public var customerRow: Bool
}

extension TobanStore {
    /// Erases everything stored about a customer (contract end) in one transaction:
    /// detections, endpoints, context, incidents, notifications (their contents included),
    /// sensors, the customer's audit entries and its row. One audit entry remains that
    /// records the erasure, who did it and the counts, and nothing of the erased content.
    @discardableResult
    public func eraseCustomer(_ id: String, actor: String, at now: Date, comment: String? = nil) throws -> ErasureReport {
        try write { db in
            func delete(_ sql: String) throws -> Int {
                try db.execute(sql: sql, arguments: [id])
                return db.changesCount
            }
            let notifications = try delete("DELETE FROM notifications WHERE customer_id = ?")
            let incidents = try delete("DELETE FROM incidents WHERE customer_id = ?")
            try QueueAggregates.forgetCustomer(db, id)
            let detections = try delete("DELETE FROM detections WHERE customer_id = ?")
            try QueueAggregates.pruneSignatureNames(db)
            let endpoints = try delete("DELETE FROM endpoints WHERE customer_id = ?")
            let context = try delete("DELETE FROM context_buckets WHERE customer_id = ?")
            _ = try delete("DELETE FROM context_samples WHERE customer_id = ?")
            let sensors = try delete("DELETE FROM sensors WHERE customer_id = ?")
            let audit = try delete("DELETE FROM audit WHERE customer_id = ?")
            let customer = try delete("DELETE FROM customers WHERE id = ?") > 0
            let report = ErasureReport(customerID: id, detections: detections, endpoints: endpoints, contextBuckets: context,
                                       incidents: incidents, notifications: notifications, sensors: sensors, auditEntries: audit,
                                       customerRow: customer)
            let counts = AuditFields(["detections": detections, "endpoints": endpoints, "context_buckets": context, "incidents": incidents,
                                      "notifications": notifications, "sensors": sensors, "audit_entries": audit])
            try AuditLog.insert(db, at: now, actor: actor, action: "erase customer", subject: .customer, subjectID: id, customerID: nil,
                                before: nil, after: counts, comment: comment ?? "all data of the customer erased", groupID: AuditLog.newGroupID())
            return report
        }
    }
}
