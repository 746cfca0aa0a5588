import Foundation

/// One page to a person on call: something needs a human now (an unconfirmed P1/P2 near
/// its deadline), and this person has until `acknowledgeBy` to say "I have it". Pages of
/// one `chain` (the thing they are about) climb the escalation ladder until one of them
/// is acknowledged or the thing no longer needs anyone.
public struct Page: Sendable, Equatable, Identifiable {
    public enum Reason: String, Sendable, Codable {
        /// An unconfirmed P1/P2 is this close to the customer's deadline.
        case deadlineNear = "deadline_near"
        /// The previous page was not acknowledged in time.
        case unacknowledged
    }

    public var id: Int64
    /// What the pages are about, e.g. "detection:42": one ladder per chain.
    public var chain: String
    public var customerID: String?
    public var urgency: Urgency
    /// One line a person paged at 03:00 understands ("P1 ET MALWARE … at acme, deadline 03:15").
    public var summary: String
    public var reason: Reason
    /// Rung of the ladder (0: analyst on duty) and how many times the ladder went round.
    public var level: Int
    public var round: Int
    /// The on-call layer paged and who held it.
    public var layer: String
    public var login: String
    public var pagedAt: Date
    public var acknowledgeBy: Date
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?
    /// The chain's reason went away (the detection was confirmed or closed) unacknowledged.
    public var resolvedAt: Date?

    public init(id: Int64 = 0, chain: String, customerID: String?, urgency: Urgency, summary: String, reason: Reason,
                level: Int, round: Int, layer: String, login: String, pagedAt: Date, acknowledgeBy: Date,
                acknowledgedAt: Date? = nil, acknowledgedBy: String? = nil, resolvedAt: Date? = nil) {
        self.id = id
        self.chain = chain
        self.customerID = customerID
        self.urgency = urgency
        self.summary = summary
        self.reason = reason
        self.level = level
        self.round = round
        self.layer = layer
        self.login = login
        self.pagedAt = pagedAt
        self.acknowledgeBy = acknowledgeBy
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
    }

    /// Still waiting for someone: not acknowledged and not resolved.
    public var isOpen: Bool { acknowledgedAt == nil && resolvedAt == nil }
}
