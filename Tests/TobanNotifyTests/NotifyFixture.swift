import Foundation
import TobanCore
import TobanNotify
import TobanStore
import TobanTestSupport

/// Carries nothing anywhere: records what would have gone out, and answers as told.
final class RecordingTransport: NotificationTransport, @unchecked Sendable {
    struct Sent {
        var notification: CustomerNotification
        var items: [NotificationItem]
        var at: Date
    }
    private let lock = NSLock()
    private var log: [Sent] = []
    /// Answers given in turn; when they run out, delivered.
    var answers: [DeliveryResult] = []

    var sent: [Sent] { lock.withLock { log } }

    func deliver(_ notification: CustomerNotification, items: [NotificationItem], at now: Date) -> DeliveryResult {
        lock.withLock {
            log.append(Sent(notification: notification, items: items, at: now))
            return answers.isEmpty ? .delivered("250 ok") : answers.removeFirst()
        }
    }
}

/// A store with one customer in Tokyo (contacts for P1–P4, the standard policy), a
/// dispatcher on it with recording transports, and helpers to make detections and
/// confirm them at given times.
final class NotifyFixture: @unchecked Sendable {
    let directory = TemporaryDirectory(prefix: "toban-notify")
    let store: TobanStore
    let clock = ManualClock()
    let mail = RecordingTransport()
    let webhooks = RecordingTransport()
    var customer: Customer
    var settings = NotifySettings(fromAddress: "soc@soc.example", socContact: "soc@soc.example / 03-0000-0000")
    private var offset: Int64 = 0

    init(policy: NotificationPolicy = .standard, language: Language = .ja) throws {
        store = try TobanStore(path: directory.storePath)
        customer = acme
        customer.contacts = [Contact(name: "山田", email: "security@acme.example", urgencies: [.p1, .p2, .p3, .p4])]
        customer.language = language
        customer.notificationPolicy = policy
        try store.saveCustomers([customer], at: t0)
    }

    func dispatcher() throws -> Dispatcher {
        let planner = OutboxPlanner(customers: [customer], settings: settings)
        return Dispatcher(store: store, planner: planner, renderer: MessageRenderer(templates: try MessageTemplates(), socContact: settings.socContact),
                          mail: mail, webhooks: webhooks, clock: clock, owner: "test")
    }

    /// A detection of `urgency` arriving at `at`, escalated at `confirmedAt` (nil: left unconfirmed).
    @discardableResult
    func detection(_ urgency: Urgency, at: Date, confirmedAt: Date?, signature: String = "ET TROJAN test",
                   endpoint: String = "10.0.0.10") throws -> Int64 {
        offset += 1
        let d = makeDetection(signature: "\(2_000_000 + offset)", name: signature, severity: severity(for: urgency),
                              src: endpoint, dst: "203.0.113.\(offset % 200)", endpoint: endpoint, at: at, offset: offset)
        try store.commit(IngestBatch(detections: [d]), customers: [customer], now: at)
        let id = try store.latestDetectionID()
        if let confirmedAt { try store.escalate([id], comment: "確認済み", actor: "tanaka", at: confirmedAt) }
        return id
    }

    static func jst(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text + "+09:00")!
    }
}
