import Foundation
import GRDB
import TobanCore

/// Rows ingest kept under `unassigned` that are nonetheless a customer's: reported by one
/// of its sensors, or implicating an address inside its networks that no other customer's
/// networks contain. Private ranges are shared between customers, so an address that
/// another customer's networks also cover proves nothing and its rows stay.
struct UnassignedRows {
    let sensors: Set<String>
    let own: [CIDR]
    let others: [CIDR]

    /// What the store knows of `customer` (its snapshot) against every other customer's.
    init(_ db: Database, customer: String) throws {
        var own: [CIDR] = [], others: [CIDR] = [], sensors: Set<String> = []
        for row in try Row.fetchAll(db, sql: "SELECT id, snapshot FROM customers") {
            guard let snapshot = JSONText.decode(CustomerSnapshot.self, from: row["snapshot"]) else { continue }
            let networks = snapshot.networks.compactMap { try? CIDR(parsing: $0) }
            if row["id"] == customer {
                own = networks
                sensors = Set(snapshot.sensors)
            } else {
                others += networks
            }
        }
        self.own = own
        self.others = others
        self.sensors = sensors
    }

    var isEmpty: Bool { own.isEmpty && sensors.isEmpty }

    func claims(address text: String?) -> Bool {
        guard let text, let address = IPAddress(text) else { return false }
        return own.contains { $0.contains(address) } && !others.contains { $0.contains(address) }
    }

    /// Unassigned detections of the customer (its sensor's, or implicating its address),
    /// with the endpoint each implicates.
    func detections(_ db: Database) throws -> [(id: Int64, endpoint: String?)] {
        guard !isEmpty else { return [] }
        return try Row.fetchAll(db, sql: """
            SELECT id, sensor, endpoint, src_ip, dest_ip FROM detections WHERE customer_id = ?
            """, arguments: [Customer.unassignedID]).compactMap { row in
            let sensor: String = row["sensor"]
            let endpoint: String? = row["endpoint"]
            let claimed = sensors.contains(sensor) || claims(address: endpoint)
                || (endpoint == nil && (claims(address: row["src_ip"]) || claims(address: row["dest_ip"])))
            return claimed ? (row["id"], endpoint) : nil
        }
    }

    /// Unassigned endpoints (and context buckets) at the customer's addresses.
    func endpointAddresses(_ db: Database, table: String) throws -> [String] {
        guard !own.isEmpty else { return [] }
        let column = table == "endpoints" ? "ip" : "endpoint"
        return try String.fetchAll(db, sql: "SELECT DISTINCT \(column) FROM \(table) WHERE customer_id = ?",
                                   arguments: [Customer.unassignedID]).filter { claims(address: $0) }
    }
}
