import Foundation
import TobanCore
import TobanStore

/// The dispatcher: assembles confirmed items into messages and delivers what is due, one
/// pass at a time. A pass is all `toban notify --once --at T` does; the daemon repeats it,
/// sleeping until the next due time or a change in the store.
///
/// Delivery is at-least-once and never silent: each attempt is committed (with a lease)
/// before the program or HTTP call runs and its result after, so a crash in between
/// repeats the attempt at most once, with the same Message-ID or webhook-id; a second
/// dispatcher never sends what a live one holds; failures are retried with a capped
/// backoff, then shown as dead.
public final class Dispatcher: @unchecked Sendable {
    // @unchecked: immutable after init; the store and transports are thread-safe.
    public let store: TobanStore
    public let planner: OutboxPlanner
    public let renderer: MessageRenderer
    public let mail: any NotificationTransport
    public let webhooks: any NotificationTransport
    public let clock: any TobanClock
    /// Names this dispatcher's leases (host and process), so a second one can tell.
    public let owner: String
    /// How long an attempt may take before another dispatcher may take it over.
    public let lease: TimeInterval
    public let messageIDDomain: String
    /// The on-call ladder, checked at every pass (none: nobody is paged).
    public var pager: OnCallPager?

    public init(store: TobanStore, planner: OutboxPlanner, renderer: MessageRenderer, mail: any NotificationTransport,
                webhooks: any NotificationTransport, clock: any TobanClock, owner: String, lease: TimeInterval = 120) {
        self.store = store
        self.planner = planner
        self.renderer = renderer
        self.mail = mail
        self.webhooks = webhooks
        self.clock = clock
        self.owner = owner
        self.lease = lease
        let from = planner.settings.fromAddress
        messageIDDomain = from.split(separator: "@").last.map(String.init) ?? "toban.invalid"
    }

    /// What one pass did.
    public struct PassSummary: Sendable, Equatable, CustomStringConvertible {
        public var assembled = 0
        public var skipped = 0
        public var sent = 0
        public var retrying = 0
        public var dead = 0
        public var postponed = 0
        public var paged = 0
        /// One line per attempt: id, target, outcome.
        public var log: [String] = []

        public var description: String {
            "assembled \(assembled) item(s) (\(skipped) not notified by policy), sent \(sent), retrying \(retrying), dead \(dead), "
                + "postponed by the hourly cap \(postponed)" + (paged > 0 ? ", paged \(paged)" : "")
        }
    }

    /// One pass as of `now` (the clock's time unless given: a simulated day passes its own).
    @discardableResult
    public func pass(at now: Date? = nil, stop: StopSignal? = nil) throws -> PassSummary {
        let now = now ?? clock.now
        var summary = PassSummary()
        try assemblePending(at: now, into: &summary)
        if let pager { summary.paged += try pager.pass(at: now).count }
        for n in try store.dueNotifications(at: now) {
            if stop?.isStopped == true { break }
            try attempt(n, at: now, into: &summary)
        }
        return summary
    }

    /// Turns confirmed items into messages now, without delivering (the console does this
    /// right after a confirmation, so its message shows at once).
    public func assemble(at now: Date) throws {
        var summary = PassSummary()
        try assemblePending(at: now, into: &summary)
    }

    func assemblePending(at now: Date, into summary: inout PassSummary) throws {
        while true {
            let items = try store.pendingOutboxItems(limit: 1000)
            if items.isEmpty { return }
            // Items of one customer in this batch join the message the first of them opens
            // (the store places each into an open message of its target and class), so the
            // last delivery per customer and target is read once per batch, not per item.
            var lastDeliveries: [String: Date?] = [:]
            let assignments = try items.map { item in
                try planner.assignment(for: item) { customer, target in
                    let key = customer + "\u{0}" + target
                    if let known = lastDeliveries[key] { return known }
                    let last = try store.lastDelivery(customer: customer, target: target, deliveryClass: .prompt)
                    lastDeliveries[key] = last
                    return last
                }
            }
            let touched = try store.assemble(assignments, messageIDDomain: messageIDDomain, at: now)
            try storePreviews(Set(touched))
            summary.assembled += assignments.count
            summary.skipped += assignments.filter { $0.deliveries.isEmpty }.count
        }
    }

    /// The text each queued message would go out with now, kept in the store for readers
    /// that cannot render (the console). A message that cannot be rendered is left as it
    /// is: its attempt will fail and show why.
    func storePreviews(_ ids: Set<Int64>) throws {
        for id in ids.sorted() {
            guard let n = try store.notification(id: id), n.revision == 0, n.state == .approved || n.state == .held else { continue }
            let items = try store.outboxItems(ofNotification: id)
            guard let content = try? renderer.render(n, items: items, customer: planner.customers[n.customerID]) else { continue }
            try store.storePreview(id, subject: content.subject, body: content.body)
        }
    }

    func customerOrDefault(_ id: String) -> Customer {
        planner.customers[id] ?? Customer(id: id, displayName: id)
    }

    func attempt(_ n: CustomerNotification, at now: Date, into summary: inout PassSummary) throws {
        // The hourly cap: a customer gets at most so many messages an hour on a target; the
        // rest wait and fold into the message the cap allows next.
        if n.state == .approved, n.kind != .page, !n.target.hasPrefix("webhook:soc/") {
            let cap = planner.tuning(for: customerOrDefault(n.customerID)).maxMessagesPerHour
            let recent = try store.deliveries(customer: n.customerID, target: n.target, since: now.addingTimeInterval(-3600))
            if recent.count >= cap, let oldest = recent.oldest {
                try store.postponeNotification(n.id, until: oldest.addingTimeInterval(3600),
                                               reason: "held by the hourly cap (\(cap) messages an hour)")
                summary.postponed += 1
                return
            }
        }
        let customer = planner.customers[n.customerID]
        guard let claimed = try store.claimNotification(n.id, owner: owner, at: now, lease: lease, render: { notification, items in
            // A page is written by the ladder, not rendered from a customer's items.
            if notification.kind == .page { return (notification.subject, notification.body) }
            return try renderer.render(notification, items: items, customer: customer)
        }) else { return }
        let transport = claimed.notification.channel == .mail ? mail : webhooks
        let result = transport.deliver(claimed.notification, items: claimed.items, at: now)
        let outcome = Self.outcome(result, attempts: claimed.notification.attempts, at: now, settings: planner.settings)
        try store.recordDelivery(n.id, owner: owner, outcome: outcome, at: now)
        switch outcome {
        case .sent: summary.sent += 1
        case .retry: summary.retrying += 1
        case .dead: summary.dead += 1
        }
        summary.log.append("#\(n.id) \(n.target) \(n.customerID) \(n.urgency.label): \(Self.describe(outcome))")
    }

    /// A temporary failure waits 30 s, doubling per attempt up to `maxRetrySeconds` (a
    /// server's Retry-After, when longer, within that cap); past `maxAttempts` it is dead.
    static func outcome(_ result: DeliveryResult, attempts: Int, at now: Date, settings: NotifySettings) -> DeliveryOutcome {
        switch result {
        case .delivered(let response):
            return .sent(response: response)
        case .permanent(let error):
            return .dead(error: error)
        case .temporary(let error, let retryAfter):
            guard attempts < settings.maxAttempts else { return .dead(error: "\(error) (gave up after \(attempts) attempts)") }
            let backoff = min(Double(settings.maxRetrySeconds), 30 * pow(2, Double(max(0, attempts - 1))))
            let wait = min(Double(settings.maxRetrySeconds), max(backoff, retryAfter ?? 0))
            return .retry(error: error, retryAt: now.addingTimeInterval(wait))
        }
    }

    static func describe(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .sent(let r): return "sent (\(r))"
        case .retry(let e, let at): return "retry at \(ISO8601DateFormatter().string(from: at)) (\(e))"
        case .dead(let e): return "dead (\(e))"
        }
    }

    /// Runs passes until `stop`: after each, sleeps until the next notification is due, or
    /// at most `pollInterval` to notice items and edits other processes commit (a cheap
    /// check of the store's data version, not a pass). SIGTERM (through `stop`) lets the
    /// attempt in flight finish and record its result.
    public func run(stop: StopSignal, pollInterval: Duration = .seconds(1), onPass: ((PassSummary) -> Void)? = nil) throws {
        while !stop.isStopped {
            let summary = try pass(stop: stop)
            onPass?(summary)
            let version = try store.dataVersion()
            // The ladder's clock moves without any change in the store (a deadline comes
            // near, a page goes unacknowledged): with a pager, a pass at least this often.
            let pagerCheck = pager.map { _ in clock.now.addingTimeInterval(OnCallPager.checkInterval) }
            while !stop.isStopped {
                let now = clock.now
                if let pagerCheck, now >= pagerCheck { break }
                let next = try store.nextNotificationDue()
                if let next, next <= now { break }
                let untilDue = next.map { $0.timeIntervalSince(now) } ?? .infinity
                let nap = min(pollInterval, .milliseconds(Int64(max(1, min(untilDue, 3600) * 1000))))
                if stop.wait(nap, clock: clock) { return }
                let current = try store.dataVersion()
                if current != version { break }
            }
        }
    }
}
