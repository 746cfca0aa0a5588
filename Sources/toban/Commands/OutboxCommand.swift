import ArgumentParser
import Foundation
import TobanConsole
import TobanCore
import TobanNotify
import TobanStore

/// `toban outbox` — the customer notifications not yet final, and the ones sent lately; and
/// the analyst's actions on one of them, for scripts and runbooks.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List customer notifications, or act on one: preview, send, hold, release, cancel, retry.",
        discussion: """
            Without an action: every notification that is not final (dead ones included, until an \
            analyst acts), then those sent in the last 24 hours, most urgent first. Actions are audited under your login name:
              toban outbox preview ID          what will be sent, headers and body
              toban outbox send ID             send at the next dispatcher pass
              toban outbox hold ID --reason T  keep it from going out until released
              toban outbox release ID
              toban outbox cancel ID --reason T
              toban outbox retry ID            the same as send, for a dead one
            """)

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case preview, send, hold, release, cancel, retry
    }

    @OptionGroup var options: StoreOptions

    @Argument(help: ArgumentHelp("preview, send, hold, release, cancel or retry (none: list).", valueName: "action"))
    var action: Action?

    @Argument(help: ArgumentHelp("The notification's id (as listed).", valueName: "id"))
    var id: Int64?

    @Option(name: .long, help: ArgumentHelp("Why (required to hold or cancel).", valueName: "text"))
    var reason: String?

    @Flag(name: .long, help: "JSON Lines instead of a table.")
    var json = false

    func validate() throws {
        if action != nil && id == nil { throw ValidationError("\(action!.rawValue) needs a notification id") }
        if action == nil && id != nil { throw ValidationError("give an action before the id (preview, send, hold, release, cancel, retry)") }
        if [.hold, .cancel].contains(action), (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("\(action!.rawValue) needs --reason")
        }
    }

    func run() throws {
        let config = try options.loadConfiguration()?.require()
        let clock = SystemClock()
        let store = try TobanStore(path: options.storePath(configuration: config))
        let actor = ConsoleEnvironment.loginName()
        guard let action, let id else { return try list(store, now: clock.now) }
        guard let current = try store.notification(id: id) else { throw ValidationError("no notification #\(id)") }
        let now = clock.now
        switch action {
        case .preview:
            try preview(current, store: store, config: config, now: now)
        case .send, .retry:
            try store.sendNotificationNow(id, actor: actor, at: now, comment: reason)
            print("#\(id): will be sent at the next dispatcher pass")
        case .hold:
            try store.holdNotification(id, reason: reason ?? "", actor: actor, at: now)
            print("#\(id): held")
        case .release:
            try store.releaseNotification(id, actor: actor, at: now, comment: reason)
            print("#\(id): released")
        case .cancel:
            try store.cancelNotification(id, reason: reason ?? "", actor: actor, at: now)
            print("#\(id): cancelled")
        }
    }

    func list(_ store: TobanStore, now: Date) throws {
        let all = try store.notifications(NotificationFilter(), before: nil, limit: 5000)
        let shown = all.filter { !$0.state.isFinal || $0.state == .dead || ($0.sentAt.map { now.timeIntervalSince($0) < 86_400 } ?? false) }
            .sorted { ($0.state.isFinal ? 1 : 0, $0.urgency, $0.nextDue ?? $0.dueAt) < ($1.state.isFinal ? 1 : 0, $1.urgency, $1.nextDue ?? $1.dueAt) }
        let iso = ISO8601DateFormatter()
        if json {
            for n in shown { print(Self.jsonLine(n, iso: iso)) }
            return
        }
        print("ID     URG STATE      KIND      TARGET                 CUSTOMER     DUE                   DEADLINE              TRIES LAST")
        for n in shown {
            let due = n.nextDue.map { iso.string(from: $0) } ?? (n.sentAt.map { "sent " + iso.string(from: $0) } ?? "-")
            let last = Sanitizer.sanitize(n.lastResponse ?? n.heldReason ?? "")
            let deadline = n.deadline.map { d in iso.string(from: d) + ((n.nextDue.map { $0 > d } ?? false) ? "!" : "") } ?? "-"
            print([String(n.id).padding(6), n.urgency.label.padding(3), n.state.rawValue.padding(10), n.kind.rawValue.padding(9),
                   Sanitizer.sanitize(n.target).padding(22), Sanitizer.sanitize(n.customerID).padding(12), due.padding(21), deadline.padding(21),
                   String(n.attempts).padding(5), String(last.prefix(60))].joined(separator: " "))
        }
    }

    static func jsonLine(_ n: CustomerNotification, iso: ISO8601DateFormatter) -> String {
        var o: [String: Any] = [
            "id": n.id, "customer": n.customerID, "urgency": n.urgency.label, "state": n.state.rawValue, "kind": n.kind.rawValue,
            "target": n.target, "recipients": n.recipients, "due_at": iso.string(from: n.dueAt),
            "attempts": n.attempts, "message_id": n.messageID, "revision": n.revision,
        ]
        if let d = n.sentAt { o["sent_at"] = iso.string(from: d) }
        if let d = n.deadline { o["deadline"] = iso.string(from: d) }
        if let d = n.nextAttemptAt { o["next_attempt_at"] = iso.string(from: d) }
        if let e = n.lastError { o["last_error"] = e }
        if let r = n.lastResponse { o["last_response"] = r }
        if let h = n.heldReason { o["held_reason"] = h }
        if let i = n.incidentID { o["incident_id"] = i }
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The message as it will go out (rendered now from its items, unless edited), every
    /// line made safe for this terminal.
    func preview(_ n: CustomerNotification, store: TobanStore, config: TobanConfiguration?, now: Date) throws {
        print("Notification #\(n.id) \(n.urgency.label) \(n.state.rawValue) \(n.kind.rawValue) → \(Sanitizer.sanitize(n.target))")
        let lines: [String]
        if let config {
            lines = try MessagePreview.lines(n, items: try store.outboxItems(ofNotification: n.id), renderer: try NotifyWiring.renderer(config.notify),
                                             customer: config.customer(id: n.customerID), from: config.notify.fromAddress, now: now)
        } else {
            lines = ["Subject: \(n.subject)", ""] + n.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        for line in lines { print(Sanitizer.sanitize(line)) }
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
