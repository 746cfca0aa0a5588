import Foundation
import TobanConsole

/// Failures of work running beside the console (the demo's live ingest and feed): shown on
/// the console's message line as soon as it runs, never swallowed. Reported before the
/// console starts, they wait for it; reported with no console at all, they go to standard
/// error.
enum BackgroundFailures {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var inbox: Inbox<ConsoleMessage>?
    nonisolated(unsafe) private static var waiting: [String] = []

    static func report(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if let inbox { inbox.post(.failed(text)) } else { waiting.append(text) }
    }

    /// The console's inbox, from when it runs until it stops (nil).
    static func attach(_ inbox: Inbox<ConsoleMessage>?) {
        lock.lock()
        defer { lock.unlock() }
        self.inbox = inbox
        if let inbox {
            for text in waiting { inbox.post(.failed(text)) }
            waiting.removeAll()
        }
    }

    /// What was reported while no console showed it.
    static func unshown() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        defer { waiting.removeAll() }
        return waiting
    }
}
