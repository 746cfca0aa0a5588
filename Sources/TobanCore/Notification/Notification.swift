import Foundation

/// A message to a customer (or to on-call) about one or more detections or an incident.
/// Nothing goes out unconfirmed: false positives happen, so a notification is born a draft
/// and an analyst approves it, unless the customer's policy says the urgency may be sent
/// without confirmation.
public struct CustomerNotification: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var customerID: String
    public var incidentID: Int64?
    public var detectionIDs: [Int64]
    public var urgency: Urgency
    public var channel: NotificationChannel
    public var recipients: [String]
    public var language: Language
    public var subject: String
    public var body: String
    public var state: NotificationState
    /// When it must go out at the latest (the policy's deadline or digest slot).
    public var dueAt: Date
    public var sentAt: Date?
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date

    public init(id: Int64 = 0, customerID: String, incidentID: Int64? = nil, detectionIDs: [Int64] = [],
                urgency: Urgency, channel: NotificationChannel = .mail, recipients: [String] = [],
                language: Language = .ja, subject: String = "", body: String = "", state: NotificationState = .draft,
                dueAt: Date, sentAt: Date? = nil, attempts: Int = 0, lastError: String? = nil, createdAt: Date) {
        self.id = id
        self.customerID = customerID
        self.incidentID = incidentID
        self.detectionIDs = detectionIDs
        self.urgency = urgency
        self.channel = channel
        self.recipients = recipients
        self.language = language
        self.subject = subject
        self.body = body
        self.state = state
        self.dueAt = dueAt
        self.sentAt = sentAt
        self.attempts = attempts
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

public enum NotificationChannel: String, Codable, Sendable, CaseIterable {
    case mail
    case webhook
    case phone
}

/// draft → approved → sending → sent; sending → failed → (retry) sending | dead;
/// draft/approved → cancelled (e.g. the detection turned out a false positive).
public enum NotificationState: String, Codable, Sendable, CaseIterable {
    case draft
    case approved
    case sending
    case sent
    case failed
    case dead
    case cancelled

    public func canMove(to next: NotificationState) -> Bool {
        switch (self, next) {
        case (.draft, .approved), (.draft, .cancelled): return true
        case (.approved, .sending), (.approved, .cancelled): return true
        case (.sending, .sent), (.sending, .failed): return true
        case (.failed, .sending), (.failed, .dead), (.failed, .cancelled): return true
        default: return false
        }
    }

    public var isFinal: Bool { self == .sent || self == .dead || self == .cancelled }

    /// Reached by trying to deliver: what it records happened outside the store (the
    /// customer may have the message), so no undo may take it back.
    public var followsDeliveryAttempt: Bool {
        switch self {
        case .sending, .sent, .failed, .dead: return true
        case .draft, .approved, .cancelled: return false
        }
    }
}

public enum Language: String, Codable, Sendable, CaseIterable {
    case ja
    case en
}
