import Foundation

/// How items are batched into messages: by when they may go.
public enum DeliveryClass: String, Sendable, Codable, CaseIterable {
    /// `immediate` and `within:N`: as soon as confirmed, grouped over a short window.
    case prompt
    /// `digest:MM,…`: at those minutes past each hour, one message for everything pending.
    case digest
    /// `next-business-day`: at the customer's desk opening on business days.
    case daily
}

/// When an item may go out and when the contract says it must have gone.
public struct NotificationTiming: Sendable, Equatable {
    public var deliveryClass: DeliveryClass
    /// The earliest moment it may be sent.
    public var sendAfter: Date
    /// The contract's deadline, measured in the SLA report.
    public var deadline: Date

    public init(deliveryClass: DeliveryClass, sendAfter: Date, deadline: Date) {
        self.deliveryClass = deliveryClass
        self.sendAfter = sendAfter
        self.deadline = deadline
    }

    /// The timing the customer's rule gives an item that arrived (was detected) at
    /// `arrivedAt` and was confirmed at `confirmedAt`; nil for `none` (never sent), or when
    /// the calendar has no opening in sight. Every time is worked out in the customer's
    /// zone and calendar: digest minutes are its own :00/:30, business mornings skip its
    /// weekends and holidays.
    public static func of(_ rule: NotificationRule, arrivedAt: Date, confirmedAt: Date, calendar: CustomerCalendar,
                          tuning: NotificationTuning) -> NotificationTiming? {
        switch rule {
        case .immediate:
            return NotificationTiming(deliveryClass: .prompt, sendAfter: confirmedAt,
                                      deadline: arrivedAt.addingTimeInterval(Double(tuning.immediateDeadlineMinutes * 60)))
        case .within(let minutes):
            return NotificationTiming(deliveryClass: .prompt, sendAfter: confirmedAt,
                                      deadline: arrivedAt.addingTimeInterval(Double(minutes * 60)))
        case .digest(let minutes):
            // A confirmation exactly on a slot makes that slot (the digest is being assembled).
            guard let slot = calendar.nextSlot(after: confirmedAt.addingTimeInterval(-0.001), minutes: minutes) else { return nil }
            return NotificationTiming(deliveryClass: .digest, sendAfter: slot, deadline: slot)
        case .nextBusinessDay:
            guard let opening = calendar.nextBusinessOpening(after: confirmedAt) else { return nil }
            return NotificationTiming(deliveryClass: .daily, sendAfter: opening, deadline: opening)
        case .none:
            return nil
        }
    }
}
