import Foundation
import GRDB
import TobanCore

enum IncidentRow {
    static let columns = """
    id, customer_id, title, urgency, state, outcome, endpoints, owner, escalated_to, acknowledge_by, \
    created_at, updated_at, comment, urgency_reason, merged_into, reopened_from, on_site_request
    """

    static func incident(_ row: Row, detectionIDs: [Int64]) -> Incident {
        Incident(
            id: row["id"], customerID: row["customer_id"], title: row["title"],
            urgency: Urgency(rawValue: row["urgency"]) ?? .p3,
            state: IncidentState(rawValue: row["state"]) ?? .open,
            outcome: (row["outcome"] as String?).flatMap { IncidentOutcome(rawValue: $0) },
            detectionIDs: detectionIDs,
            endpoints: JSONText.strings(row["endpoints"]).compactMap { IPAddress($0) },
            owner: row["owner"], escalatedTo: row["escalated_to"],
            acknowledgeBy: (row["acknowledge_by"] as Int64?).map { Date(storeMilliseconds: $0) },
            createdAt: Date(storeMilliseconds: row["created_at"]),
            updatedAt: Date(storeMilliseconds: row["updated_at"]),
            comment: row["comment"],
            urgencyReason: row["urgency_reason"] ?? "",
            mergedInto: row["merged_into"], reopenedFrom: row["reopened_from"],
            onSiteRequest: JSONText.decode(OnSiteRequest.self, from: row["on_site_request"]))
    }

    static func detectionIDs(_ db: Database, incident id: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT detection_id FROM incident_detections WHERE incident_id = ? ORDER BY detection_id", arguments: [id])
    }

    static func fetch(_ db: Database, id: Int64) throws -> Incident? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM incidents WHERE id = ?", arguments: [id]) else { return nil }
        return incident(row, detectionIDs: try detectionIDs(db, incident: id))
    }
}
