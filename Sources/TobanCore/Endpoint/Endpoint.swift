import Foundation

/// A customer's internal host, as implicated by detections. Identity is (customer, IP);
/// MAC and hostname are remembered when a log carries them.
public struct Endpoint: Sendable, Equatable {
    public var customerID: String
    public var address: IPAddress

    /// An address is one host only within one customer's network.
    public struct Identity: Hashable, Sendable {
        public var customerID: String
        public var address: IPAddress
    }

    public var identity: Identity { Identity(customerID: customerID, address: address) }
    public var mac: String?
    public var hostname: String?
    public var riskScore: Double
    /// One line per contribution to the score, largest first.
    public var riskExplanation: [String]
    public var status: EndpointStatus
    public var statusNote: String?
    public var firstSeen: Date
    public var lastSeen: Date
    public var detectionCount: Int
    public var distinctSignatures: Int

    public init(customerID: String, address: IPAddress, mac: String? = nil, hostname: String? = nil,
                riskScore: Double = 0, riskExplanation: [String] = [], status: EndpointStatus = .none,
                statusNote: String? = nil, firstSeen: Date, lastSeen: Date, detectionCount: Int = 0,
                distinctSignatures: Int = 0) {
        self.customerID = customerID
        self.address = address
        self.mac = mac
        self.hostname = hostname
        self.riskScore = riskScore
        self.riskExplanation = riskExplanation
        self.status = status
        self.statusNote = statusNote
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.detectionCount = detectionCount
        self.distinctSignatures = distinctSignatures
    }

    /// Hostname when known, else the address: what an analyst recognises.
    public var displayName: String { hostname ?? address.description }
}

/// An analyst's verdict on an endpoint. 被疑 (suspect) means "we believe this host is
/// involved and the customer must look at it"; contained means the customer isolated it.
public enum EndpointStatus: String, Codable, Sendable, CaseIterable {
    case none
    case suspect
    case cleared
    case contained

    public var japaneseName: String {
        switch self {
        case .none: return "未判定"
        case .suspect: return "被疑"
        case .cleared: return "問題なし"
        case .contained: return "隔離済"
        }
    }

    /// Any verdict can be revised with a note, except that nothing goes back to `none`.
    public func canMove(to next: EndpointStatus) -> Bool { next != .none && next != self }
}
