import Foundation
import GRDB
import TobanCore

/// An IP address or a network, matched against a detection's source, destination and endpoint.
public enum AddressFilter: Sendable, Equatable {
    case address(IPAddress)
    case network(CIDR)

    /// Parses "10.0.0.5", "2001:db8::1" or "10.0.0.0/8".
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.contains("/") {
            guard let cidr = try? CIDR(parsing: t) else { return nil }
            self = .network(cidr)
        } else {
            guard let ip = IPAddress(t) else { return nil }
            self = .address(ip)
        }
    }

    func sql(columns: [String]) -> (String, [any DatabaseValueConvertible]) {
        switch self {
        case .address(let ip):
            return ("(" + columns.map { "\($0) = ?" }.joined(separator: " OR ") + ")", columns.map { _ in ip.description })
        case .network(let cidr):
            // An IPv4 network on an octet boundary is a prefix of the canonical text
            // ("10.5.0.0/16" → "10.5."): a string comparison per row instead of parsing
            // every address in a SQL function.
            if let v4 = cidr.network.ipv4Value, (cidr.prefixBits - 96) % 8 == 0, cidr.prefixBits - 96 < 32 {
                let octets = (cidr.prefixBits - 96) / 8
                guard octets > 0 else { return ("(" + columns.map { "\($0) LIKE '%.%'" }.joined(separator: " OR ") + ")", []) }
                let prefix = (0..<octets).map { String((v4 >> UInt32(24 - 8 * $0)) & 0xFF) }.joined(separator: ".") + "."
                return ("(" + columns.map { "substr(\($0), 1, \(prefix.utf8.count)) = ?" }.joined(separator: " OR ") + ")",
                        columns.map { _ in prefix })
            }
            return ("(" + columns.map { "toban_in_cidr(\($0), ?) = 1" }.joined(separator: " OR ") + ")", columns.map { _ in cidr.description })
        }
    }
}

/// Which detections a list shows. Every field narrows; nil or empty means "any".
/// `statuses` defaults to the open ones (the queue).
public struct DetectionFilter: Sendable, Equatable {
    public var customers: Set<String>
    public var urgencies: ClosedRange<Urgency>?
    public var statuses: Set<DetectionStatus>
    /// Case-insensitive substring of the signature name, or the exact signature id.
    public var signature: String?
    public var address: AddressFilter?
    public var sensor: String?
    /// Only detections last seen at or after this time (`age:<2h` is "since two hours
    /// before now", worked out by the caller, who holds the clock).
    public var seenSince: Date?
    public var assignee: String?
    /// Exactly this endpoint (its address text; "-" for detections without one): an
    /// endpoint group's members. Unlike `address`, source and destination do not count.
    public var endpoint: String?
    /// Exactly this source address: a source group's members (a scanner's probes).
    public var source: String?

    public static let openStatuses: Set<DetectionStatus> = Set(DetectionStatus.allCases.filter(\.isOpen))

    public init(customers: Set<String> = [], urgencies: ClosedRange<Urgency>? = nil,
                statuses: Set<DetectionStatus> = DetectionFilter.openStatuses, signature: String? = nil,
                address: AddressFilter? = nil, sensor: String? = nil, seenSince: Date? = nil,
                assignee: String? = nil) {
        self.customers = customers
        self.urgencies = urgencies
        self.statuses = statuses
        self.signature = signature
        self.address = address
        self.sensor = sensor
        self.seenSince = seenSince
        self.assignee = assignee
    }

    /// True when only open detections can match, so the partial queue index applies.
    var onlyOpen: Bool { !statuses.isEmpty && !statuses.contains(.closed) }

    /// The WHERE terms other than urgency (which the keyset query places itself).
    /// `signatureIDs`: the ids whose stored names match `signature` (`SignatureMatch`); with
    /// them the signature term can use an index on `signature_id`, while the name test stays
    /// as a per-row check so the meaning is exactly the substring match.
    func conditions(signatureIDs: [String]? = nil) -> (terms: [String], arguments: [any DatabaseValueConvertible]) {
        var terms: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if onlyOpen { terms.append("status <> 'closed'") }
        if !statuses.isEmpty && statuses.count < DetectionStatus.allCases.count && statuses != DetectionFilter.openStatuses {
            let sorted = statuses.map(\.rawValue).sorted()
            terms.append("status IN (\([String].marks(sorted.count)))")
            args += sorted as [any DatabaseValueConvertible]
        }
        if !customers.isEmpty {
            let sorted = customers.sorted()
            terms.append("customer_id IN (\([String].marks(sorted.count)))")
            args += sorted as [any DatabaseValueConvertible]
        }
        if let signature, !signature.isEmpty {
            if let signatureIDs {
                terms.append("signature_id IN (\([String].marks(signatureIDs.count)))")
                args += signatureIDs as [any DatabaseValueConvertible]
            }
            terms.append("(signature_name LIKE ? ESCAPE '\\' OR signature_id = ?)")
            args.append("%" + Self.escapeLike(signature) + "%")
            args.append(signature)
        }
        if let address {
            let (sql, values) = address.sql(columns: ["src_ip", "dest_ip", "endpoint"])
            terms.append(sql)
            args += values
        }
        if let sensor, !sensor.isEmpty {
            terms.append("sensor = ?")
            args.append(sensor)
        }
        if let seenSince {
            terms.append("last_seen >= ?")
            args.append(seenSince.storeMilliseconds)
        }
        if let assignee {
            terms.append("assignee = ?")
            args.append(assignee)
        }
        if let source {
            terms.append("src_ip = ?")
            args.append(source)
        }
        if let endpoint {
            // With its customers known, an endpoint's rows are one seek each in the endpoint index.
            if !customers.isEmpty {
                let (sql, values) = EndpointHash.condition(customers: customers.sorted(), endpoint: endpoint)
                terms.append(sql)
                args += values
            }
            if endpoint == "-" { terms.append("endpoint IS NULL") } else {
                terms.append("endpoint = ?")
                args.append(endpoint)
            }
        }
        return (terms, args)
    }

    static func escapeLike(_ text: String) -> String {
        var out = ""
        for ch in text {
            if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
