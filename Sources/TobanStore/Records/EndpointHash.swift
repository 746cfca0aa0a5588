import GRDB
import TobanCore

/// A detection's customer and endpoint address as one 64-bit FNV-1a hash: what the
/// endpoint index (`detections_endpoint_time`) leads with, instead of the two texts.
/// Every insert puts an entry at a random place in that index, and comparing two strings
/// at each step down it made it the dearest of the detection indexes: inserting the same
/// 200k stored rows took SQLite a fifth less CPU with the hash. Stable across processes
/// and versions, like `AggregationHash`; collisions are harmless, because every query by
/// endpoint also compares the customer and the address.
public enum EndpointHash {
    /// `endpoint` is the address text as stored (`IPAddress.description`); nil for a
    /// detection without an endpoint, which gets its customer's own hash.
    public static func of(customerID: String, endpoint: String?) -> Int64 {
        var hash = FNV1a()
        hash.add(customerID)
        if let endpoint {
            // A separator (US, 0x1F) keeps "a" + "bc" apart from "ab" + "c"; should texts
            // ever hold it, the result is a collision, which the queries tolerate.
            hash.add(0x1F as UInt8)
            hash.add(endpoint)
        }
        return Int64(bitPattern: hash.value)
    }

    /// `endpoint_hash IN (…) AND customer_id = ? AND endpoint IN (…)` and its arguments, in
    /// that order: the rows of `endpoints` (address texts) of `customer`, sought through the
    /// endpoint index, with the customer and the address compared so that a clash of hashes
    /// cannot mix two endpoints. The queries by endpoint are made of it.
    static func rows(customer: String, endpoints: [String]) -> (sql: String, arguments: StatementArguments) {
        let marks = [String].marks(endpoints.count)
        var arguments = StatementArguments(endpoints.map { of(customerID: customer, endpoint: $0) })
        arguments += [customer]
        arguments += StatementArguments(endpoints)
        return ("endpoint_hash IN (\(marks)) AND customer_id = ? AND endpoint IN (\(marks))", arguments)
    }

    /// The condition that finds the rows of `endpoint` (address text, or "-" / nil for
    /// none) of any of `customers` through the endpoint index, with its arguments.
    static func condition(customers: [String], endpoint: String?) -> (sql: String, arguments: [any DatabaseValueConvertible]) {
        let address = endpoint == "-" ? nil : endpoint
        let hashes = customers.map { of(customerID: $0, endpoint: address) }
        return ("endpoint_hash IN (\([String].marks(hashes.count)))", hashes)
    }

    /// `toban_endpoint_hash(customer_id, endpoint)`, for rows written before the hash column.
    public static let sqlFunction = DatabaseFunction("toban_endpoint_hash", argumentCount: 2, pure: true) { values in
        guard let customer = String.fromDatabaseValue(values[0]) else { return nil }
        return of(customerID: customer, endpoint: String.fromDatabaseValue(values[1]))
    }
}
