import Foundation
import TobanCore

/// How a channel answered one attempt.
public enum DeliveryResult: Sendable, Equatable {
    /// Accepted; what the program or server said.
    case delivered(String)
    /// Try again later (EX_TEMPFAIL, HTTP 5xx or 429, a network error); a server's
    /// Retry-After, when it gave one.
    case temporary(String, retryAfter: TimeInterval?)
    /// Will never work as it is (a refused recipient, HTTP 4xx): shown to analysts.
    case permanent(String)
}

/// Something that can carry a notification to its target. The dispatcher holds one per
/// kind of target; tests substitute their own.
public protocol NotificationTransport: Sendable {
    func deliver(_ notification: CustomerNotification, items: [NotificationItem], at now: Date) -> DeliveryResult
}
