import Foundation
import GRDB
import TobanCore

/// The part of a customer's configuration the store keeps beside its data (the
/// `customers.snapshot` JSON), so that store-side logic (risk re-scoring after an
/// analyst action, sensor-silence checks) works in any process, without the config file.
/// Calendars, maintenance windows and the notification policy stay in the configuration.
struct CustomerSnapshot: Codable, Equatable {
    struct Asset: Codable, Equatable {
        var network: String
        var weight: Int
        var label: String
    }
    struct ContactInfo: Codable, Equatable {
        var name: String
        var email: String?
        var phone: String?
        var urgencies: [String]
    }
    struct Contract: Codable, Equatable {
        var silenceMinutes: Int
        var throttleEventsPerSecond: Int?
        var contractEnd: Int64?
        var sendWithoutConfirmation: [String]
    }

    var timeZone: String
    var language: String
    var networks: [String]
    var sensors: [String]
    var criticalAssets: [Asset]
    var contacts: [ContactInfo]
    var contract: Contract

    init(_ c: Customer) {
        timeZone = c.timeZone.identifier
        language = c.language.rawValue
        networks = c.networks.map(\.description)
        sensors = c.sensors
        criticalAssets = c.criticalAssets.map { Asset(network: $0.network.description, weight: $0.weight, label: $0.label) }
        contacts = c.contacts.map {
            ContactInfo(name: $0.name, email: $0.email, phone: $0.phone, urgencies: $0.urgencies.sorted().map(\.description))
        }
        contract = Contract(silenceMinutes: c.contract.silenceMinutes, throttleEventsPerSecond: c.contract.throttleEventsPerSecond,
                            contractEnd: c.contract.contractEnd?.storeMilliseconds,
                            sendWithoutConfirmation: c.contract.sendWithoutConfirmation.sorted().map(\.description))
    }

    var assets: [CriticalAsset] {
        criticalAssets.compactMap { a in
            (try? CIDR(parsing: a.network)).map { CriticalAsset(network: $0, weight: a.weight, label: a.label) }
        }
    }

    static func load(_ db: Database, customer: String) throws -> CustomerSnapshot? {
        let text = try String.fetchOne(db, sql: "SELECT snapshot FROM customers WHERE id = ?", arguments: [customer])
        return JSONText.decode(CustomerSnapshot.self, from: text)
    }
}

/// The heaviest critical asset covering `address` (same rule as `Customer.criticalAsset(for:)`).
func heaviestAsset(_ assets: [CriticalAsset], covering address: IPAddress) -> CriticalAsset? {
    assets.filter { $0.network.contains(address) }.max { $0.weight < $1.weight }
}

extension TobanStore {
    /// Records the customers' current configuration (display name and snapshot JSON).
    /// Customers no longer configured are kept: erasure is an explicit, audited act.
    public func saveCustomers(_ customers: [Customer], at now: Date) throws {
        try write { db in
            let sql = """
            INSERT INTO customers (id, display_name, snapshot, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, snapshot = excluded.snapshot,
                updated_at = excluded.updated_at
            WHERE display_name IS NOT excluded.display_name OR snapshot IS NOT excluded.snapshot
            """
            let statement = try db.cachedStatement(sql: sql)
            for c in customers {
                try statement.execute(arguments: [c.id, c.displayName, JSONText.encode(codable: CustomerSnapshot(c)), now.storeMilliseconds])
            }
        }
    }

    /// Customer ids and display names known to the store, by id.
    public func customerNames() throws -> [(id: String, displayName: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, display_name FROM customers ORDER BY id").map { ($0["id"], $0["display_name"]) }
        }
    }
}
