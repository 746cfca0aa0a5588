import Foundation
import GRDB
import TobanCore

extension TobanStore {
    /// Sets an analyst's verdict on an endpoint (被疑, cleared, contained) with a note. Marking
    /// it suspect writes the customer's notification to the outbox in the same transaction.
    @discardableResult
    public func setEndpointStatus(customer: String, address: IPAddress, status: EndpointStatus, note: String?,
                                  actor: String, at now: Date) throws -> String {
        try write { db in
            let subjectID = EndpointRow.subjectID(customer: customer, address: address)
            let select = "SELECT status, status_note FROM endpoints WHERE customer_id = ? AND ip = ?"
            var found = try Row.fetchOne(db, sql: select, arguments: [customer, address.description])
            if found == nil, let waiting = try EndpointRow.waiting(db, customer: customer, address: address) {
                // Its row is written here, counted from its detections and marked `stale`:
                // the ingest writer sees this change, drops what it held for the endpoint
                // and counts and scores it again when endpoints next settle.
                try db.execute(sql: """
                    INSERT INTO endpoints (customer_id, ip, first_seen, last_seen, detection_count, distinct_signatures, stale)
                    VALUES (?, ?, ?, ?, ?, ?, 1)
                    """, arguments: [customer, address.description, waiting.firstSeen.storeMilliseconds, waiting.lastSeen.storeMilliseconds,
                                     waiting.detectionCount, waiting.distinctSignatures])
                found = try Row.fetchOne(db, sql: select, arguments: [customer, address.description])
            }
            guard let row = found else { throw StoreError.notFound(subject: .endpoint, id: subjectID) }
            let current = EndpointStatus(rawValue: row["status"]) ?? .none
            guard current.canMove(to: status) else {
                throw StoreError.invalidTransition(subject: .endpoint, id: subjectID, from: current.rawValue, to: status.rawValue)
            }
            try db.execute(sql: "UPDATE endpoints SET status = ?, status_note = ? WHERE customer_id = ? AND ip = ?",
                           arguments: [status.rawValue, note, customer, address.description])
            let group = AuditLog.newGroupID()
            try AuditLog.insert(db, at: now, actor: actor, action: "endpoint status", subject: .endpoint, subjectID: subjectID,
                                customerID: customer,
                                before: AuditFields(["status": current.rawValue, "status_note": row["status_note"] as String?]),
                                after: AuditFields(["status": status.rawValue, "status_note": note]), comment: note, groupID: group)
            // Marking a host suspect (被疑) confirms it to the customer.
            if status == .suspect, current != .suspect,
               let item = try OutboxItems.endpointItem(db, customer: customer, address: address, actor: actor, note: note, at: now) {
                try OutboxItems.insert(db, item, group: group, at: now)
            }
            return group
        }
    }
}
