import TobanCore

/// Decides whose an event is. In order: the source's configured customer, the sensor name,
/// then the internal networks that contain the source or destination address. What none
/// of these claims belongs to `Customer.unassignedID` — kept and shown, never dropped.
public struct CustomerDirectory: Sendable {
    public let customers: [Customer]
    private let bySensor: [String: Int]
    /// (network, customer index), longest prefix first so nested networks resolve right.
    private let networks: [(CIDR, Int)]

    /// Without a configuration, a sensor named like `sensor-acme-0` is taken to belong to a
    /// customer `acme` (the name without a `sensor-` prefix and a trailing `-N`).
    public let deriveFromSensorNames: Bool

    public init(customers: [Customer], deriveFromSensorNames: Bool = false) {
        self.customers = customers
        self.deriveFromSensorNames = deriveFromSensorNames
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
        assign(sourceCustomer: sourceCustomer, sensor: sensor, source: source, destination: destination,
               deriveFromSensor: Self.customerID(fromSensor:))
    }

    /// As above; `deriveFromSensor` is `customerID(fromSensor:)` or a memo of it.
    public func assign(sourceCustomer: String?, sensor: String?, source: IPAddress?, destination: IPAddress?,
                       deriveFromSensor: (String) -> String?) -> Assignment {
        var index: Int?
        if let sourceCustomer, let i = customers.firstIndex(where: { $0.id == sourceCustomer }) { index = i }
        if index == nil, let sensor { index = bySensor[sensor] }
        if index == nil { index = source.flatMap(networkOwner) ?? destination.flatMap(networkOwner) }
        if index == nil, deriveFromSensorNames, let sensor, let derived = deriveFromSensor(sensor) {
            return Assignment(customerID: derived, endpoint: Self.privateSide(source, destination))
        }
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

    /// `sensor-acme-0` → `acme`, `ids.kobe` → `ids.kobe`; nil for names that give nothing.
    static func customerID(fromSensor sensor: String) -> String? {
        var name = Substring(sensor)
        for prefix in ["sensor-", "sensor_", "ids-", "nsm-"] where name.hasPrefix(prefix) { name = name.dropFirst(prefix.count) }
        if let dash = name.lastIndex(where: { $0 == "-" || $0 == "_" }), name[name.index(after: dash)...].allSatisfy(\.isNumber),
           dash != name.startIndex {
            name = name[..<dash]
        }
        let id = String(name.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
        return id.isEmpty || id == Customer.unassignedID ? nil : id
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
