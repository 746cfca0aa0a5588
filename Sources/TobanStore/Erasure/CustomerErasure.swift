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
    /// Rows kept under `unassigned` that were the customer's (its sensors, or addresses
    /// only its networks contain), erased with the rest.
    public var unassignedDetections = 0
    public var unassignedEndpoints = 0
    public var unassignedContextBuckets = 0
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
            // Before the customer's row (and so its networks and sensors) is gone.
            let strays = try eraseUnassignedRows(db, of: id)
            let notifications = try delete("DELETE FROM notifications WHERE customer_id = ?")
            let incidents = try delete("DELETE FROM incidents WHERE customer_id = ?")
            try QueueAggregates.forgetCustomer(db, id)
            let detections = try delete("DELETE FROM detections WHERE customer_id = ?")
            try QueueAggregates.pruneSignatureNames(db)
            let endpoints = try delete("DELETE FROM endpoints WHERE customer_id = ?")
            _ = try delete("DELETE FROM endpoint_marks WHERE customer_id = ?")
            let context = try ContextMerge.deleteBuckets(db, where: "customer_id = ?", arguments: [id])
            let sensors = try delete("DELETE FROM sensors WHERE customer_id = ?")
            let audit = try delete("DELETE FROM audit WHERE customer_id = ?")
            let customer = try delete("DELETE FROM customers WHERE id = ?") > 0
            let report = ErasureReport(customerID: id, detections: detections, endpoints: endpoints, contextBuckets: context,
                                       incidents: incidents, notifications: notifications, sensors: sensors, auditEntries: audit,
                                       customerRow: customer, unassignedDetections: strays.detections,
                                       unassignedEndpoints: strays.endpoints, unassignedContextBuckets: strays.contextBuckets)
            let counts = AuditFields(["detections": detections, "endpoints": endpoints, "context_buckets": context, "incidents": incidents,
                                      "notifications": notifications, "sensors": sensors, "audit_entries": audit,
                                      "unassigned_detections": strays.detections, "unassigned_endpoints": strays.endpoints,
                                      "unassigned_context_buckets": strays.contextBuckets])
            try AuditLog.insert(db, at: now, actor: actor, action: "erase customer", subject: .customer, subjectID: id, customerID: nil,
                                before: nil, after: counts, comment: comment ?? "all data of the customer erased", groupID: AuditLog.newGroupID())
            return report
        }
    }
}

extension TobanStore {
    /// Deletes the customer's rows that ingest kept under `unassigned` (see
    /// `UnassignedRows`), with the audit entries about those detections.
    fileprivate func eraseUnassignedRows(_ db: Database, of customer: String)
        throws -> (detections: Int, endpoints: Int, contextBuckets: Int) {
        let strays = try UnassignedRows(db, customer: customer)
        let unassigned = Customer.unassignedID
        var detections = 0, endpoints = 0, buckets = 0
        let claimed = try strays.detections(db)
        for chunk in claimed.map(\.id).chunked(500) {
            let ids = Array(chunk)
            let marks = [String].marks(ids.count)
            try db.execute(sql: "DELETE FROM audit WHERE subject = 'detection' AND subject_id IN (\(marks))",
                           arguments: StatementArguments(ids.map(String.init)))
            try db.execute(sql: "DELETE FROM detections WHERE id IN (\(marks))", arguments: StatementArguments(ids))
            detections += db.changesCount
        }
        // An endpoint is the customer's if its address is, or if it was only there for the
        // customer's detections (e.g. its sensor's, at an address no network claims).
        var addresses = Set(try strays.endpointAddresses(db, table: "endpoints"))
        for case let address? in Set(claimed.map(\.endpoint)) where !addresses.contains(address) {
            let endpointRows = EndpointHash.rows(customer: unassigned, endpoints: [address])
            let remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM detections WHERE \(endpointRows.sql)",
                                             arguments: endpointRows.arguments) ?? 0
            if remaining == 0 { addresses.insert(address) }
        }
        for chunk in Array(addresses).chunked(500) {
            try db.execute(sql: "DELETE FROM endpoints WHERE customer_id = ? AND ip IN (\([String].marks(chunk.count)))",
                           arguments: StatementArguments([unassigned] + Array(chunk)))
            endpoints += db.changesCount
            try db.execute(sql: "DELETE FROM endpoint_marks WHERE customer_id = ? AND ip IN (\([String].marks(chunk.count)))",
                           arguments: StatementArguments([unassigned] + Array(chunk)))
        }
        for chunk in try strays.endpointAddresses(db, table: "context_parts").chunked(500) {
            buckets += try ContextMerge.deleteBuckets(db, where: "customer_id = ? AND endpoint IN (\([String].marks(chunk.count)))",
                                                      arguments: StatementArguments([unassigned] + Array(chunk)))
        }
        if !strays.sensors.isEmpty {
            let names = Array(strays.sensors)
            try db.execute(sql: "DELETE FROM sensors WHERE customer_id = ? AND name IN (\([String].marks(names.count)))",
                           arguments: StatementArguments([unassigned] + names))
        }
        if detections > 0 { try QueueAggregates.pruneSignatureNames(db) }
        return (detections, endpoints, buckets)
    }
}
