import Foundation
import TobanCore
import TobanStore

/// How the service kept its promise, per customer and urgency: how many, how fast
/// analysts confirmed (arrival → confirmation) and how fast the customer heard
/// (confirmation → delivery), and every deadline missed with its reason.
public struct SLAReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var customerID: String
        public var urgency: Urgency
        public var rule: String
        public var count: Int
        /// Items the policy never sends (`none`).
        public var notSent: Int
        public var toConfirmation: Durations
        public var toDelivery: Durations
        public var missed: [Miss]
    }

    public struct Durations: Sendable, Equatable {
        public var median: TimeInterval?
        public var worst: TimeInterval?

        init(_ values: [TimeInterval]) {
            let sorted = values.sorted()
            median = sorted.isEmpty ? nil : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            worst = sorted.last
        }
    }

    public struct Miss: Sendable, Equatable {
        public enum Reason: String, Sendable { case unconfirmed, held, failed, dead, late }
        public var reason: Reason
        /// The item, or for `unconfirmed` the detection.
        public var id: Int64
        public var deadline: Date
        public var deliveredAt: Date?
    }

    public var from: Date
    public var to: Date
    public var rows: [Row]

    public static func make(store: TobanStore, planner: OutboxPlanner, from: Date, to: Date, customer: String? = nil,
                            now: Date) throws -> SLAReport {
        let items = try store.deliveredItems(from: from, to: to, customer: customer)
        let horizon = min(to, now)
        var rows: [String: Row] = [:]
        func key(_ c: String, _ u: Urgency) -> String { "\(c)\u{0}\(u.rawValue)" }
        func row(_ c: String, _ u: Urgency) -> Row {
            let rule = planner.customers[c]?.notificationPolicy.rule(for: u).description ?? "?"
            return rows[key(c, u)] ?? Row(customerID: c, urgency: u, rule: rule, count: 0, notSent: 0,
                                          toConfirmation: Durations([]), toDelivery: Durations([]), missed: [])
        }
        var confirmations: [String: [TimeInterval]] = [:]
        var deliveries: [String: [TimeInterval]] = [:]
        for item in items where item.state != "cancelled" {
            var r = row(item.customerID, item.urgency)
            let k = key(item.customerID, item.urgency)
            r.count += 1
            if item.state == "skipped" { r.notSent += 1 }
            confirmations[k, default: []].append(item.confirmedAt.timeIntervalSince(item.arrivedAt))
            if let delivered = item.deliveredAt { deliveries[k, default: []].append(delivered.timeIntervalSince(item.confirmedAt)) }
            if let deadline = item.deadline {
                if let delivered = item.deliveredAt {
                    if delivered > deadline { r.missed.append(Miss(reason: .late, id: item.itemID, deadline: deadline, deliveredAt: delivered)) }
                } else if deadline < horizon {
                    let reason: Miss.Reason = item.messageStates.contains(.dead) ? .dead : item.messageStates.contains(.held) ? .held
                        : item.messageStates.contains(.failed) ? .failed : .late
                    r.missed.append(Miss(reason: reason, id: item.itemID, deadline: deadline, deliveredAt: nil))
                }
            }
            rows[k] = r
        }
        // Detections whose rule sends them by a deadline, never confirmed by then (the same
        // deadlines the console counts down to and the on-call ladder pages on).
        let deadlines = ConfirmationDeadlines(customers: Array(planner.customers.values)) { planner.tuning(for: $0) }
        for id in planner.customers.keys where customer == nil || customer == id {
            let urgencies = Set(deadlines.windows[id].map { Array($0.keys) } ?? [])
            for d in try store.unconfirmedDetections(from: from, to: to, urgencies: urgencies, customer: id) {
                guard let deadline = deadlines.deadline(customer: d.customerID, urgency: d.urgency, arrivedAt: d.arrivedAt),
                      deadline < horizon else { continue }
                var r = row(d.customerID, d.urgency)
                r.missed.append(Miss(reason: .unconfirmed, id: d.id, deadline: deadline, deliveredAt: nil))
                rows[key(d.customerID, d.urgency)] = r
            }
        }
        for (k, var r) in rows {
            r.toConfirmation = Durations(confirmations[k] ?? [])
            r.toDelivery = Durations(deliveries[k] ?? [])
            rows[k] = r
        }
        return SLAReport(from: from, to: to, rows: rows.values.sorted { ($0.customerID, $0.urgency) < ($1.customerID, $1.urgency) })
    }
}
