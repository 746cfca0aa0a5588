import Foundation
import GRDB
import TobanCore

/// SQL functions the queries need, installed on every connection.
enum SQLFunctions {
    /// `toban_in_cidr(ip_text, cidr_text)`: 1 when the canonical address text lies inside
    /// the network, 0 otherwise (NULL address: NULL). IPs are stored as canonical text,
    /// so network filters cannot be a plain range comparison on the column.
    static let inCIDR = DatabaseFunction("toban_in_cidr", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        guard let cidrText = String.fromDatabaseValue(values[1]),
              let cidr = try? CIDR(parsing: cidrText),
              let address = IPAddress(text) else { return false }
        return cidr.contains(address)
    }

    static func install(in db: Database) {
        db.add(function: inCIDR)
    }
}
