import Foundation

/// How long after arrival each customer's contract wants an unconfirmed detection told,
/// by urgency (`immediate`: the immediate deadline; `within:N`: N minutes). Digest and
/// next-business-day urgencies have no confirmation deadline. The console counts down to
/// these, and the on-call ladder pages when one comes near.
public struct ConfirmationDeadlines: Sendable, Equatable {
    public var windows: [String: [Urgency: TimeInterval]]

    public init(windows: [String: [Urgency: TimeInterval]] = [:]) {
        self.windows = windows
    }

    /// From the customers' policies; `tuning` gives each customer's effective tuning (the
    /// SOC's defaults with the customer's overrides).
    public init(customers: [Customer], tuning: (Customer) -> NotificationTuning) {
        var windows: [String: [Urgency: TimeInterval]] = [:]
        for c in customers {
            let t = tuning(c)
            for u in Urgency.allCases {
                switch c.notificationPolicy.rule(for: u) {
                case .immediate: windows[c.id, default: [:]][u] = Double(t.immediateDeadlineMinutes * 60)
                case .within(let m): windows[c.id, default: [:]][u] = Double(m * 60)
                default: break
                }
            }
        }
        self.windows = windows
    }

    public func deadline(customer: String, urgency: Urgency, arrivedAt: Date) -> Date? {
        windows[customer]?[urgency].map { arrivedAt.addingTimeInterval($0) }
    }
}
