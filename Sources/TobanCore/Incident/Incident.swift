import Foundation

/// Detections escalated into a case that is worked with the customer.
/// open → investigating → customer notified → contained → closed (with an outcome).
public struct Incident: Sendable, Equatable, Identifiable {
    /// How analysts and customers name an incident: INC-2026-0042 (the year it was opened,
    /// in UTC, and its number).
    public static func displayID(id: Int64, createdAt: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let year = calendar.component(.year, from: createdAt)
        let number = String(id)
        return "INC-\(year)-" + String(repeating: "0", count: max(0, 4 - number.count)) + number
    }

    public var id: Int64
    public var customerID: String
    public var title: String
    public var urgency: Urgency
    public var state: IncidentState
    public var outcome: IncidentOutcome?
    public var detectionIDs: [Int64]
    public var endpoints: [IPAddress]
    public var owner: String?
    /// Who it was escalated to (shift lead, on-call) and when they must have acknowledged.
    public var escalatedTo: String?
    public var acknowledgeBy: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var comment: String
    /// Why the urgency is what it is (the lead detection's reason, at escalation).
    public var urgencyReason: String = ""
    /// Closed as a duplicate of this incident, which took its detections and notifications.
    public var mergedInto: Int64?
    /// Opened again from this closed incident (a closed incident is final).
    public var reopenedFrom: Int64?
    /// The customer asked for on-site response (駆け付け) within the ★★★ window.
    public var onSiteRequest: OnSiteRequest?

    public init(id: Int64 = 0, customerID: String, title: String, urgency: Urgency, state: IncidentState = .open,
                outcome: IncidentOutcome? = nil, detectionIDs: [Int64] = [], endpoints: [IPAddress] = [],
                owner: String? = nil, escalatedTo: String? = nil, acknowledgeBy: Date? = nil,
                createdAt: Date, updatedAt: Date? = nil, comment: String = "", urgencyReason: String = "",
                mergedInto: Int64? = nil, reopenedFrom: Int64? = nil, onSiteRequest: OnSiteRequest? = nil) {
        self.id = id
        self.customerID = customerID
        self.title = title
        self.urgency = urgency
        self.state = state
        self.outcome = outcome
        self.detectionIDs = detectionIDs
        self.endpoints = endpoints
        self.owner = owner
        self.escalatedTo = escalatedTo
        self.acknowledgeBy = acknowledgeBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.comment = comment
        self.urgencyReason = urgencyReason
        self.mergedInto = mergedInto
        self.reopenedFrom = reopenedFrom
        self.onSiteRequest = onSiteRequest
    }

    public enum TransitionError: Error, Equatable, CustomStringConvertible {
        case notAllowed(from: IncidentState, to: IncidentState)
        case outcomeRequired
        case outcomeOnlyWhenClosing
        public var description: String {
            switch self {
            case .notAllowed(let a, let b): return "an incident cannot go from \(a.rawValue) to \(b.rawValue)"
            case .outcomeRequired: return "closing an incident needs an outcome (true positive, false positive, benign, duplicate)"
            case .outcomeOnlyWhenClosing: return "an outcome is given only when closing"
            }
        }
    }

    /// Moves to `next`, enforcing the state machine. Time is passed in.
    public mutating func transition(to next: IncidentState, outcome: IncidentOutcome? = nil, at now: Date) throws(TransitionError) {
        guard state.canMove(to: next) else { throw .notAllowed(from: state, to: next) }
        if next == .closed {
            guard let outcome else { throw .outcomeRequired }
            self.outcome = outcome
        } else if outcome != nil {
            throw .outcomeOnlyWhenClosing
        }
        state = next
        updatedAt = now
    }
}

public enum IncidentState: String, Codable, Sendable, CaseIterable {
    case open
    case investigating
    case customerNotified = "customer_notified"
    case contained
    case closed

    var rank: Int { IncidentState.allCases.firstIndex(of: self)! }

    /// Forward only; steps may be skipped (a false positive closes straight from investigating);
    /// a closed incident is final (reopening makes a new incident that links the old one).
    public func canMove(to next: IncidentState) -> Bool {
        self != .closed && next.rank > rank
    }
}

public enum IncidentOutcome: String, Codable, Sendable, CaseIterable {
    case truePositive = "true_positive"
    case falsePositive = "false_positive"
    case benign
    case duplicate

    public var label: String {
        switch self {
        case .truePositive: return "true positive"
        case .falsePositive: return "false positive"
        case .benign: return "benign"
        case .duplicate: return "duplicate"
        }
    }
}

extension IncidentState {
    public var label: String {
        switch self {
        case .open: return "open"
        case .investigating: return "investigating"
        case .customerNotified: return "customer notified"
        case .contained: return "contained"
        case .closed: return "closed"
        }
    }

    /// The next state the "advance" key moves to (investigating → customer notified →
    /// contained); nil when only closing remains.
    public var advanced: IncidentState? {
        switch self {
        case .open: return .investigating
        case .investigating: return .customerNotified
        case .customerNotified: return .contained
        case .contained, .closed: return nil
        }
    }
}

/// An on-site response (駆け付け) the customer asked for: who recorded it, when, and what.
public struct OnSiteRequest: Sendable, Equatable, Codable {
    public var requestedBy: String
    public var requestedAt: Date
    public var note: String
    public init(requestedBy: String, requestedAt: Date, note: String) {
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.note = note
    }
}

/// The on-site response window a ★★★ notice opens: `days` from the moment the customer
/// received it. Before any ★★★ notice went out there is no window.
public struct OnSiteWindow: Sendable, Equatable {
    public var opened: Date
    public var closes: Date

    public init?(starNoticeReceivedAt: Date?, days: Int) {
        guard let opened = starNoticeReceivedAt else { return nil }
        self.opened = opened
        closes = opened.addingTimeInterval(Double(days) * 86_400)
    }

    public func isOpen(at now: Date) -> Bool { now < closes }
    /// Time left at `now` (zero once closed).
    public func remaining(at now: Date) -> TimeInterval { max(0, closes.timeIntervalSince(now)) }
}
