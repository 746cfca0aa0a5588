import Foundation
import GRDB
import TobanCore

enum EndpointRow {
    static let columns = """
    customer_id, ip, mac, hostname, risk_score, risk_explanation, status, status_note, first_seen, last_seen, \
    detection_count, distinct_signatures
    """

    static func endpoint(_ row: Row) -> Endpoint {
        Endpoint(
            customerID: row["customer_id"],
            address: IPAddress(row["ip"] as String) ?? IPAddress(high: 0, low: 0),
            mac: row["mac"], hostname: row["hostname"],
            riskScore: row["risk_score"],
            riskExplanation: JSONText.strings(row["risk_explanation"]),
            status: EndpointStatus(rawValue: row["status"]) ?? .none,
            statusNote: row["status_note"],
            firstSeen: Date(storeMilliseconds: row["first_seen"]),
            lastSeen: Date(storeMilliseconds: row["last_seen"]),
            detectionCount: row["detection_count"],
            distinctSignatures: row["distinct_signatures"])
    }

    /// An endpoint with detections but no row yet, as counted from its detections. Ingest
    /// writes the row of an endpoint first seen while it reads a backlog when endpoints
    /// settle, within seconds (`BatchWriter.upsertEndpoints`); until then it is not scored.
    static func waiting(_ db: Database, customer: String, address: IPAddress) throws -> Endpoint? {
        let endpointRows = EndpointHash.rows(customer: customer, endpoints: [address.description])
        let row = try Row.fetchOne(db, sql: """
            SELECT count(*), min(first_seen), max(last_seen), count(DISTINCT CASE WHEN status <> 'closed' THEN signature_id END)
            FROM detections INDEXED BY \(StoreMigrations.Index.endpointTime) WHERE \(endpointRows.sql)
            """, arguments: endpointRows.arguments)
        guard let row, let first = row[1] as Int64?, let last = row[2] as Int64? else { return nil }
        return Endpoint(customerID: customer, address: address, firstSeen: Date(storeMilliseconds: first),
                        lastSeen: Date(storeMilliseconds: last), detectionCount: row[0], distinctSignatures: row[3])
    }

    /// The audit subject id of an endpoint: "customer|ip".
    static func subjectID(customer: String, address: IPAddress) -> String { "\(customer)|\(address)" }
}
