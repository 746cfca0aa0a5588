/// When a customer hears about each urgency. The service terms: the top urgency is
/// notified at once; lower ones within a deadline or batched into digests.
public struct NotificationPolicy: Sendable, Equatable {
    public var rules: [Urgency: NotificationRule]
    /// Lower urgencies (digests, next-business-day) wait for the contact desk's hours.
    public var respectBusinessHoursFrom: Urgency
    /// What this customer changes of the `[notify]` storm control and deadlines.
    public var tuning: NotificationTuningOverride?
    /// Copied on every mail to this customer.
    public var cc: [String]
    /// The customer's own webhooks (its SIEM, chat, paging service).
    public var webhooks: [WebhookChannel]

    public init(rules: [Urgency: NotificationRule], respectBusinessHoursFrom: Urgency = .p4,
                tuning: NotificationTuningOverride? = nil, cc: [String] = [], webhooks: [WebhookChannel] = []) {
        self.rules = rules
        self.respectBusinessHoursFrom = respectBusinessHoursFrom
        self.tuning = tuning
        self.cc = cc
        self.webhooks = webhooks
    }

    public func rule(for urgency: Urgency) -> NotificationRule { rules[urgency] ?? .none }

    /// P1 at once, P2 within 30 minutes, P3 in :00/:30 digests, P4 next business day, P5 not at all.
    public static let standard = NotificationPolicy(rules: [
        .p1: .immediate,
        .p2: .within(minutes: 30),
        .p3: .digest(minutes: [0, 30]),
        .p4: .nextBusinessDay,
        .p5: .none,
    ])
}

public enum NotificationRule: Sendable, Equatable, CustomStringConvertible {
    case immediate
    case within(minutes: Int)
    /// Batched: sent at these minutes past each hour, in the customer's time zone.
    case digest(minutes: [Int])
    case nextBusinessDay
    case none

    /// The longest `within:` deadline: one week.
    static let maxWithinMinutes = 7 * 24 * 60

    /// `immediate`, `within:30m`, `digest:00,30`, `next-business-day`, `none`.
    public init?(text: String) {
        let t = text.trimmingSpaces.lowercased()
        if t == "immediate" { self = .immediate; return }
        if t == "none" { self = .none; return }
        if t == "next-business-day" { self = .nextBusinessDay; return }
        if t.hasPrefix("within:") {
            var n = String(t.dropFirst(7))
            var factor = 1
            if n.hasSuffix("m") { n.removeLast() } else if n.hasSuffix("h") { n.removeLast(); factor = 60 }
            // The one-week bound is on the resulting minutes; comparing against the bound
            // divided by the factor also keeps `v * factor` from overflowing.
            guard let v = Int(n), v > 0, v <= Self.maxWithinMinutes / factor else { return nil }
            self = .within(minutes: v * factor)
            return
        }
        if t.hasPrefix("digest:") {
            let parts = t.dropFirst(7).split(separator: ",")
            var minutes: [Int] = []
            for p in parts {
                guard let m = Int(p.trimmingSpaces), (0..<60).contains(m) else { return nil }
                minutes.append(m)
            }
            guard !minutes.isEmpty else { return nil }
            self = .digest(minutes: Array(Set(minutes)).sorted())
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .immediate: return "immediate"
        case .within(let m): return "within:\(m)m"
        case .digest(let ms): return "digest:" + ms.map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ",")
        case .nextBusinessDay: return "next-business-day"
        case .none: return "none"
        }
    }
}
