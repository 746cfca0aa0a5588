import Foundation

/// A message to a customer on one channel (mail to its contacts, or one webhook) about one
/// or more confirmed items. Nothing goes out unconfirmed: false positives happen, so items
/// come from an analyst's confirmation, unless the customer's contract lets an urgency go
/// without one. The dispatcher groups items into notifications and delivers them.
public struct CustomerNotification: Sendable, Equatable, Identifiable {
    public var id: Int64
    public var customerID: String
    public var incidentID: Int64?
    public var detectionIDs: [Int64]
    public var urgency: Urgency
    public var channel: NotificationChannel
    public var recipients: [String]
    public var language: Language
    /// What was (or will be) sent: rendered at the delivery attempt, or an analyst's edit.
    public var subject: String
    public var body: String
    public var state: NotificationState
    /// When it goes out (the policy's deadline, digest slot or business morning; later
    /// when storm control or the hourly cap holds it).
    public var dueAt: Date
    public var sentAt: Date?
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var kind: NotificationKind
    public var deliveryClass: DeliveryClass
    /// `mail`, or `webhook:<owner>/<name>` (owner `soc` or the customer id).
    public var target: String
    /// The same on every attempt, so a receiver can recognise a repeat: the mail's
    /// Message-ID, the webhook-id.
    public var messageID: String
    /// A follow-up about an incident: the Message-ID of the incident's first message.
    public var inReplyTo: String?
    /// The earliest deadline of its items (the contract's promise).
    public var deadline: Date?
    public var heldReason: String?
    /// A failed attempt is retried from here on.
    public var nextAttemptAt: Date?
    /// 0: rendered from its items; n: the n-th edit by an analyst, sent as edited.
    public var revision: Int
    /// The server's or program's last answer (status, stderr).
    public var lastResponse: String?

    public init(id: Int64 = 0, customerID: String, incidentID: Int64? = nil, detectionIDs: [Int64] = [],
                urgency: Urgency, channel: NotificationChannel = .mail, recipients: [String] = [],
                language: Language = .ja, subject: String = "", body: String = "", state: NotificationState = .draft,
                dueAt: Date, sentAt: Date? = nil, attempts: Int = 0, lastError: String? = nil, createdAt: Date,
                kind: NotificationKind = .single, deliveryClass: DeliveryClass = .prompt, target: String = "mail",
                messageID: String = "", inReplyTo: String? = nil, deadline: Date? = nil, heldReason: String? = nil,
                nextAttemptAt: Date? = nil, revision: Int = 0, lastResponse: String? = nil) {
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
        self.kind = kind
        self.deliveryClass = deliveryClass
        self.target = target
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.deadline = deadline
        self.heldReason = heldReason
        self.nextAttemptAt = nextAttemptAt
        self.revision = revision
        self.lastResponse = lastResponse
    }

    /// When the dispatcher should next try it, if it is waiting to be sent.
    public var nextDue: Date? {
        switch state {
        case .approved, .draft: return dueAt
        case .failed: return nextAttemptAt ?? dueAt
        default: return nil
        }
    }
}

/// What a message is, for its template.
public enum NotificationKind: String, Codable, Sendable, CaseIterable {
    /// Sent as soon as confirmed (one item, or a few confirmed together).
    case single
    /// The :00/:30 digest.
    case digest
    /// The business-morning summary.
    case daily
    /// More about an incident the customer has already heard of (threads under it).
    case followup
    /// PagerDuty: the incident was closed.
    case resolve
    /// Not to a customer: the on-call ladder paging someone in the SOC (written, not
    /// rendered from items; outside the customers' caps and SLA).
    case page
}

public enum NotificationChannel: String, Codable, Sendable, CaseIterable {
    case mail
    case webhook
    case phone
}

/// draft → approved → sending → sent; sending → failed → (retry) sending | dead;
/// approved ⇄ held (an analyst holds it, with a reason); dead → approved (retried by hand);
/// anything not yet sent → cancelled. A sending attempt whose dispatcher died is taken
/// over (sending → sending) once its lease has expired.
public enum NotificationState: String, Codable, Sendable, CaseIterable {
    case draft
    case approved
    case held
    case sending
    case sent
    case failed
    case dead
    case cancelled

    public func canMove(to next: NotificationState) -> Bool {
        switch (self, next) {
        case (.draft, .approved), (.draft, .cancelled): return true
        case (.approved, .sending), (.approved, .cancelled), (.approved, .held): return true
        case (.held, .approved), (.held, .cancelled): return true
        case (.sending, .sent), (.sending, .failed), (.sending, .dead), (.sending, .sending): return true
        case (.failed, .sending), (.failed, .dead), (.failed, .cancelled), (.failed, .held): return true
        case (.dead, .approved): return true
        default: return false
        }
    }

    public var isFinal: Bool { self == .sent || self == .dead || self == .cancelled }

    /// Reached by trying to deliver: what it records happened outside the store (the
    /// customer may have the message), so no undo may take it back.
    public var followsDeliveryAttempt: Bool {
        switch self {
        case .sending, .sent, .failed, .dead: return true
        case .draft, .approved, .held, .cancelled: return false
        }
    }
}

public enum Language: String, Codable, Sendable, CaseIterable {
    case ja
    case en
}
