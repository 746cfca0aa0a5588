import TobanCore

/// Decides whose an event is. In order: the source's configured customer, the sensor name,
/// then the internal networks that contain the source or destination address. What none
/// of these claims belongs to `Customer.unassignedID` — kept and shown, never dropped.
public struct CustomerDirectory: Sendable {
    public let customers: [Customer]
    private let bySensor: [String: Int]
    /// (network, customer index), longest prefix first so nested networks resolve right.
    private let networks: [(CIDR, Int)]

    /// Only configured customers own events: a sensor nobody configured, or a file name,
    /// names no customer (its events are `unassigned`, where the console shows them).
    public init(customers: [Customer]) {
        self.customers = customers
        var bySensor: [String: Int] = [:]
        var networks: [(CIDR, Int)] = []
        for (i, c) in customers.enumerated() {
            for s in c.sensors where bySensor[s] == nil { bySensor[s] = i }
            for n in c.networks { networks.append((n, i)) }
        }
        self.bySensor = bySensor
        self.networks = networks.sorted { $0.0.prefixBits > $1.0.prefixBits }
    }

    public func customer(id: String) -> Customer? { customers.first { $0.id == id } }

    public struct Assignment: Sendable, Equatable {
        public var customerID: String
        /// The internal host implicated: the side inside the customer's networks, the
        /// source when both are (lateral movement starts at the source).
        public var endpoint: IPAddress?
        public var isUnassigned: Bool { customerID == Customer.unassignedID }
    }

    public func assign(sourceCustomer: String?, sensor: String?, source: IPAddress?, destination: IPAddress?) -> Assignment {
        var index: Int?
        if let sourceCustomer, let i = customers.firstIndex(where: { $0.id == sourceCustomer }) { index = i }
        if index == nil, let sensor { index = bySensor[sensor] }
        if index == nil { index = source.flatMap(networkOwner) ?? destination.flatMap(networkOwner) }
        guard let index else {
            return Assignment(customerID: Customer.unassignedID, endpoint: Self.privateSide(source, destination))
        }
        let c = customers[index]
        let endpoint: IPAddress?
        if let source, c.isInternal(source) { endpoint = source }
        else if let destination, c.isInternal(destination) { endpoint = destination }
        else { endpoint = Self.privateSide(source, destination) }
        return Assignment(customerID: c.id, endpoint: endpoint)
    }

    func networkOwner(_ address: IPAddress) -> Int? {
        networks.first { $0.0.contains(address) }?.1
    }

    /// Without configured networks, RFC 1918 / ULA space is the best guess at "internal".
    static let privateRanges: [CIDR] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"].map { try! CIDR(parsing: $0) }

    static func privateSide(_ source: IPAddress?, _ destination: IPAddress?) -> IPAddress? {
        if let source, privateRanges.contains(where: { $0.contains(source) }) { return source }
        if let destination, privateRanges.contains(where: { $0.contains(destination) }) { return destination }
        return nil
    }
}
