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

    /// The audit subject id of an endpoint: "customer|ip".
    static func subjectID(customer: String, address: IPAddress) -> String { "\(customer)|\(address)" }
}
