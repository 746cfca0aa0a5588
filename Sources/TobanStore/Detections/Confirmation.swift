import Foundation
import GRDB
import TobanCore

/// An open P1/P2 detection nobody has confirmed to the customer yet.
public struct AwaitingConfirmation: Sendable, Equatable {
    public var id: Int64
    public var customerID: String
    public var urgency: Urgency
    public var signature: String
    /// When it reached the SOC: the customer's deadline counts from here.
    public var arrivedAt: Date
}

extension TobanStore {
    /// Confirms detections to their customers without opening an incident ("yes, this is
    /// real, tell them"): per customer, one outbox item in this transaction, and the
    /// detections become `escalated` (the customer is told). Undo cancels what has not
    /// gone out. Detections already escalated or closed are refused: they were decided.
    @discardableResult
    public func confirm(_ ids: [Int64], note: String?, actor: String, at now: Date) throws -> ActionResult {
        try write { db in
            let unique = DetectionChange.unique(ids)
            guard !unique.isEmpty else { throw StoreError.emptySelection }
            var byCustomer: [String: [Detection]] = [:]
            for id in unique {
                guard let d = try DetectionRow.fetch(db, id: id) else { throw StoreError.notFound(subject: .detection, id: "\(id)") }
                byCustomer[d.customerID, default: []].append(d)
            }
            let group = AuditLog.newGroupID()
            let text = note?.trimmingCharacters(in: .whitespacesAndNewlines)
            let changed = try DetectionChange.apply(db, ids: unique, action: "confirm to customer", actor: actor, at: now,
                                                    comment: text?.isEmpty == false ? text : nil, group: group) { d in
                (.escalated, d.disposition, d.assignee ?? actor)
            }
            for customer in byCustomer.keys.sorted() {
                if let item = OutboxItems.item(kind: .detection, detections: byCustomer[customer]!, incidentID: nil, actor: actor,
                                               note: text?.isEmpty == false ? text : nil, at: now) {
                    try OutboxItems.insert(db, item, group: group, at: now)
                }
            }
            return ActionResult(groupID: group, detectionIDs: changed)
        }
    }

    /// Open detections of `urgencies` not yet confirmed to the customer (not escalated,
    /// in no incident), oldest arrival first, at most `limit`.
    /// (Read through a partial index of exactly these rows, so the console's header and the
    /// ladder's pass cost what is waiting, not the size of the queue.)
    public func awaitingConfirmation(urgencies: ClosedRange<Urgency> = .p1 ... .p2, limit: Int = 2000) throws -> [AwaitingConfirmation] {
        precondition(urgencies.upperBound <= .p2, "the unconfirmed index holds P1 and P2 only")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, d.customer_id, d.urgency, d.signature_name, d.ingest_time
                FROM detections d INDEXED BY \(StoreMigrations.Index.unconfirmed)
                WHERE \(StoreMigrations.Index.unconfirmedRows) AND d.urgency BETWEEN ? AND ?
                  AND NOT EXISTS (SELECT 1 FROM incident_detections x WHERE x.detection_id = d.id)
                ORDER BY d.ingest_time LIMIT ?
                """, arguments: [urgencies.lowerBound.rawValue, urgencies.upperBound.rawValue, limit]).map { row in
                AwaitingConfirmation(id: row["id"], customerID: row["customer_id"], urgency: Urgency(rawValue: row["urgency"]) ?? .p2,
                                     signature: row["signature_name"] ?? "", arrivedAt: Date(storeMilliseconds: row["ingest_time"]))
            }
        }
    }
}
