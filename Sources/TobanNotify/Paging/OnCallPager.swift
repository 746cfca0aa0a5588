import Foundation
import TobanCore
import TobanStore

/// The on-call ladder at work, one pass at a time (the dispatcher runs it at each of its
/// passes): an unconfirmed P1/P2 whose customer deadline is `deadlineLead` away pages the
/// analyst on duty; a page not acknowledged in time pages the next level. Each page is
/// recorded (every console shows it, with a bell, until someone acknowledges it) and sent
/// on the SOC's internal channel through the outbox, so it is retried like any message.
public struct OnCallPager: Sendable {
    /// The daemon checks the ladder at least this often (seconds).
    public static let checkInterval: TimeInterval = 15

    /// Who holds an on-call layer at an instant, and where a page reaches them.
    public struct Reach: Sendable, Equatable {
        public var login: String
        /// A mail address (mail channel) or nil when the channel is a webhook.
        public var address: String?
        public init(login: String, address: String?) {
            self.login = login
            self.address = address
        }
    }

    public let store: TobanStore
    public let ladder: PagingLadder
    public let deadlineLead: TimeInterval
    public let deadlines: ConfirmationDeadlines
    /// "mail", or "webhook:soc/NAME" for one of the SOC's webhooks.
    public let channelTarget: String
    public let reach: @Sendable (_ layer: String, _ at: Date) -> Reach?
    /// Customer display names, for the page's text.
    public let customerNames: [String: String]
    /// The domain of the pages' Message-IDs (the SOC's sending domain).
    public let messageIDDomain: String

    public init(store: TobanStore, ladder: PagingLadder, deadlineLead: TimeInterval, deadlines: ConfirmationDeadlines,
                channelTarget: String = "mail", customerNames: [String: String] = [:], messageIDDomain: String = "toban.invalid",
                reach: @escaping @Sendable (_ layer: String, _ at: Date) -> Reach?) {
        self.messageIDDomain = messageIDDomain
        self.store = store
        self.ladder = ladder
        self.deadlineLead = deadlineLead
        self.deadlines = deadlines
        self.channelTarget = channelTarget
        self.customerNames = customerNames
        self.reach = reach
    }

    static func chain(detection id: Int64) -> String { "detection:\(id)" }

    /// Pages made at `now`.
    @discardableResult
    public func pass(at now: Date) throws -> [Page] {
        let waiting = try store.awaitingConfirmation()
        let waitingChains = Set(waiting.map { Self.chain(detection: $0.id) })
        // A chain whose detection was confirmed or closed needs nobody any more.
        for chain in try store.openPageChains() where chain.hasPrefix("detection:") && !waitingChains.contains(chain) {
            try store.resolvePages(chain: chain, at: now, reason: "confirmed or closed before anyone acknowledged")
        }
        var made: [Page] = []
        for d in waiting {
            guard let deadline = deadlines.deadline(customer: d.customerID, urgency: d.urgency, arrivedAt: d.arrivedAt),
                  now >= deadline.addingTimeInterval(-deadlineLead) else { continue }
            let chain = Self.chain(detection: d.id)
            let step: PagingLadder.Step?
            if let last = try store.lastPage(chain: chain) {
                step = ladder.next(after: last, at: now)
            } else {
                step = ladder.first
            }
            guard let step else { continue }
            made.append(try page(d, deadline: deadline, chain: chain, step: step, at: now))
        }
        return made
    }

    func page(_ d: AwaitingConfirmation, deadline: Date, chain: String, step: PagingLadder.Step, at now: Date) throws -> Page {
        let who = reach(step.layer, now)
        let customer = customerNames[d.customerID] ?? d.customerID
        let signature = String(Sanitizer.sanitize(d.signature).prefix(120))
        let minutes = Int((deadline.timeIntervalSince(now) / 60).rounded(.down))
        let due = minutes >= 0 ? "customer deadline in \(minutes) min" : "customer deadline passed \(-minutes) min ago"
        let summary = "\(d.urgency.label) unconfirmed: \(signature) (\(customer), #\(d.id)), \(due)"
        let page = Page(chain: chain, customerID: d.customerID, urgency: d.urgency, summary: summary, reason: step.reason,
                        level: step.level, round: step.round, layer: step.layer, login: who?.login ?? "(nobody on call)",
                        pagedAt: now, acknowledgeBy: ladder.acknowledgeBy(pagedAt: now))
        return try store.recordPage(page, at: now) { stored in message(for: stored, to: who, at: now) }
    }

    /// The page on the SOC's channel, through the outbox (so it is retried and shown);
    /// nil when the person paged has no address (the consoles still show the page).
    func message(for page: Page, to who: Reach?, at now: Date) -> CustomerNotification? {
        let isWebhook = channelTarget.hasPrefix("webhook:")
        guard isWebhook || who?.address != nil else { return nil }
        let level = page.round > 0 ? "level \(page.level + 1), round \(page.round + 1)" : "level \(page.level + 1)"
        let subject = "[Toban page] \(page.summary)"
        let body = """
            \(page.login) (\(page.layer), \(level)) is paged\(page.reason == .unacknowledged ? " because the previous page was not acknowledged" : "").

            \(page.summary)

            Acknowledge by \(ISO8601DateFormatter().string(from: page.acknowledgeBy)) with the page key on any Toban console,
            or the next level is paged.
            """
        return CustomerNotification(
            customerID: page.customerID ?? "soc", detectionIDs: [], urgency: page.urgency,
            channel: isWebhook ? .webhook : .mail, recipients: who?.address.map { [$0] } ?? [], language: .en,
            subject: subject, body: body, state: .approved, dueAt: now, createdAt: now, kind: .page,
            target: isWebhook ? channelTarget : "page", messageID: "<toban.page.\(page.id)@\(messageIDDomain)>")
    }
}
