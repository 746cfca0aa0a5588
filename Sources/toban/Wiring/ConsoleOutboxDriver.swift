import Foundation
import TobanConsole
import TobanCore
import TobanNotify
import TobanStore

/// The console's window on the notification side: exact previews through the renderer,
/// and assembly of confirmed items as the dispatcher would do it, so a confirmation's
/// message appears in the outbox at once with its due time and deadline.
struct ConsoleOutboxDriver: OutboxDriver {
    let store: TobanStore
    let dispatcher: Dispatcher
    let configuration: TobanConfiguration

    func preview(_ id: Int64, at now: Date) throws -> [String] {
        guard let n = try store.notification(id: id) else { throw StoreError.notFound(subject: .notification, id: "\(id)") }
        return try MessagePreview.lines(n, items: try store.outboxItems(ofNotification: id), renderer: dispatcher.renderer,
                                        customer: configuration.customer(id: n.customerID), from: configuration.notify.fromAddress, now: now)
    }

    func assemble(at now: Date) throws {
        try dispatcher.assemble(at: now)
    }

    func nextDigest(customer: String, after now: Date) -> Date? {
        guard let c = configuration.customer(id: customer) else { return nil }
        let minutes: [Int] = Urgency.allCases.lazy.compactMap { u -> [Int]? in
            if case .digest(let m) = c.notificationPolicy.rule(for: u) { return m }
            return nil
        }.first ?? [0, 30]
        return CustomerCalendar(customer: c).nextSlot(after: now, minutes: minutes)
    }
}

/// `$VISUAL`, else `$EDITOR`, else vi, run through the shell (so "code -w" works) on the
/// file, with the terminal handed over meanwhile.
enum EditorWiring {
    static func launcher(environment: [String: String]) -> EditorLauncher {
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        return { path in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", editor + " \"$1\"", "toban-edit", path]
            do { try p.run() } catch { return 127 }
            p.waitUntilExit()
            return p.terminationStatus
        }
    }
}
