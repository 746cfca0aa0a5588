import Foundation
import TobanCore
import TobanStore

/// Decides, for each confirmed item, when it goes out and on which channels, from the
/// customer's policy: the rule for its urgency (immediate, within:N, digest, next business
/// day, none), its calendar and zone, its contacts, and its and the SOC's webhooks.
public struct OutboxPlanner: Sendable {
    public let customers: [String: Customer]
    public let settings: NotifySettings

    public init(customers: [Customer], settings: NotifySettings) {
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.settings = settings
    }

    /// The target name of a webhook: `webhook:<owner>/<name>`, owner `soc` or the customer id.
    public static func target(owner: String, channel: WebhookChannel) -> String { "webhook:\(owner)/\(channel.name)" }

    /// Every webhook by target, for the transport.
    public var webhookChannels: [String: WebhookChannel] {
        var out: [String: WebhookChannel] = [:]
        for channel in settings.webhooks { out[Self.target(owner: "soc", channel: channel)] = channel }
        for customer in customers.values {
            for channel in customer.notificationPolicy.webhooks { out[Self.target(owner: customer.id, channel: channel)] = channel }
        }
        return out
    }

    public func tuning(for customer: Customer) -> NotificationTuning {
        settings.tuning.overridden(by: customer.notificationPolicy.tuning)
    }

    /// The assignment for `item`. `lastDelivery(customer, target)` tells when the customer
    /// last got a prompt message on a target: storm control holds a new one until a group
    /// window after it, so a burst of confirmations becomes one message at once and one more
    /// a window later, not one per detection.
    public func assignment(for item: NotificationItem, lastDelivery: (String, String) throws -> Date?) rethrows -> OutboxAssignment {
        guard let customer = customers[item.customerID] else {
            return OutboxAssignment(itemID: item.id, deadline: nil, deliveries: [])
        }
        let tuning = tuning(for: customer)
        if item.kind == .resolved {
            // Only a paging service has something to resolve.
            let deliveries = webhooks(of: customer, urgency: item.urgency).filter { $0.1.kind == .pagerduty }.map { target, _ in
                OutboxAssignment.Delivery(target: target, channel: .webhook, recipients: [], language: customer.language,
                                          deliveryClass: .prompt, dueAt: item.confirmedAt, kind: .resolve)
            }
            return OutboxAssignment(itemID: item.id, deadline: nil, deliveries: deliveries)
        }
        let rule = customer.notificationPolicy.rule(for: item.urgency)
        guard let timing = NotificationTiming.of(rule, arrivedAt: item.arrivedAt, confirmedAt: item.confirmedAt,
                                                 calendar: CustomerCalendar(customer: customer), tuning: tuning) else {
            return OutboxAssignment(itemID: item.id, deadline: nil, deliveries: [])
        }
        let kind: NotificationKind = timing.deliveryClass == .prompt ? .single : timing.deliveryClass == .digest ? .digest : .daily
        func due(_ target: String) throws -> Date {
            guard timing.deliveryClass == .prompt, let last = try lastDelivery(customer.id, target) else { return timing.sendAfter }
            return max(timing.sendAfter, last.addingTimeInterval(tuning.groupWindow(for: item.urgency)))
        }
        var deliveries: [OutboxAssignment.Delivery] = []
        let recipients = Array(Set(customer.contacts(for: item.urgency).compactMap(\.email))).sorted()
        if !recipients.isEmpty {
            deliveries.append(OutboxAssignment.Delivery(target: "mail", channel: .mail, recipients: recipients, language: customer.language,
                                                        deliveryClass: timing.deliveryClass, dueAt: try due("mail"), kind: kind))
        }
        for (target, _) in webhooks(of: customer, urgency: item.urgency) {
            deliveries.append(OutboxAssignment.Delivery(target: target, channel: .webhook, recipients: [], language: customer.language,
                                                        deliveryClass: timing.deliveryClass, dueAt: try due(target), kind: kind))
        }
        return OutboxAssignment(itemID: item.id, deadline: timing.deadline, deliveries: deliveries)
    }

    /// The customer's and the SOC's webhooks that want `urgency`, by target.
    func webhooks(of customer: Customer, urgency: Urgency) -> [(String, WebhookChannel)] {
        customer.notificationPolicy.webhooks.filter { $0.urgencies.contains(urgency) }.map { (Self.target(owner: customer.id, channel: $0), $0) }
            + settings.webhooks.filter { $0.urgencies.contains(urgency) }.map { (Self.target(owner: "soc", channel: $0), $0) }
    }
}
