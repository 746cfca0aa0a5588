import Foundation

/// One confirmed thing a customer is told about: a detection (or a group of them) an
/// analyst escalated, an endpoint marked suspect (被疑), or an incident. It is written in
/// the same transaction as the confirmation, with what the message will say frozen at that
/// moment; the dispatcher then gives it its timing (the customer's rule) and makes it part
/// of one message per channel.
public struct NotificationItem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case detection
        case endpoint
        case incident
        /// The incident was closed: PagerDuty resolves its event.
        case resolved
    }

    public var id: Int64
    public var customerID: String
    public var kind: Kind
    public var urgency: Urgency
    /// Why the urgency is what it is (the evaluator's reason).
    public var urgencyReason: String
    public var incidentID: Int64?
    public var detectionIDs: [Int64]
    /// The suspect endpoint: IP text, and its hostname when known.
    public var endpoint: String?
    public var hostname: String?
    public var signatureID: String
    public var signature: String
    public var category: String
    /// What was seen: "domain: …", "SNI: …", "URL: …", "SHA-256: …".
    public var evidence: [String]
    /// Occurrences, folded repeats included.
    public var count: Int
    public var firstSeen: Date
    public var lastSeen: Date
    /// When the first detection arrived at the SOC (deadlines count from here).
    public var arrivedAt: Date
    public var confirmedAt: Date
    public var confirmedBy: String
    /// The analyst's words to the customer.
    public var note: String?

    public init(id: Int64 = 0, customerID: String, kind: Kind, urgency: Urgency, urgencyReason: String = "", incidentID: Int64? = nil,
                detectionIDs: [Int64] = [], endpoint: String? = nil, hostname: String? = nil, signatureID: String = "",
                signature: String = "", category: String = "", evidence: [String] = [], count: Int = 1, firstSeen: Date,
                lastSeen: Date, arrivedAt: Date, confirmedAt: Date, confirmedBy: String, note: String? = nil) {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.urgency = urgency
        self.urgencyReason = urgencyReason
        self.incidentID = incidentID
        self.detectionIDs = detectionIDs
        self.endpoint = endpoint
        self.hostname = hostname
        self.signatureID = signatureID
        self.signature = signature
        self.category = category
        self.evidence = evidence
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.arrivedAt = arrivedAt
        self.confirmedAt = confirmedAt
        self.confirmedBy = confirmedBy
        self.note = note
    }
}

extension Evidence {
    /// The evidence lines a customer can act on, labelled, in a fixed order.
    public var lines: [String] {
        var out: [String] = []
        func add(_ label: String, _ value: String?) { if let value, !value.isEmpty { out.append("\(label): \(value)") } }
        add("domain", dnsQuery)
        add("SNI", tlsSNI)
        add("host", httpHost)
        add("URL", url)
        add("file", fileName)
        add("hash", fileHash)
        add("user agent", userAgent)
        add("mail from", mailFrom)
        add("mail subject", mailSubject)
        return out
    }
}
