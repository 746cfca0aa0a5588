import ArgumentParser
import Foundation
import TobanCore
import TobanNotify
import TobanStore

/// `toban notify` — the dispatcher: turns confirmed detections into customer notifications
/// and delivers them by mail and webhooks, on time, exactly as each customer's policy says.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Deliver customer notifications (run as a daemon, or one pass with --once).",
        discussion: """
            As a daemon it sleeps until the next notification is due or the store changes, and \
            SIGTERM lets the attempt in flight finish before it exits. With --once it makes one \
            pass and prints what it did; --at makes that pass as of another time (ISO 8601), to \
            simulate a day or to ask what would go out at 09:00. One dispatcher per store is \
            enough; a second one never sends what the first holds (attempts are leased).
            """)

    @OptionGroup var options: StoreOptions

    @Flag(name: .long, help: "One pass, then exit.")
    var once = false

    @Option(name: .long, help: ArgumentHelp("With --once: make the pass as of this time (ISO 8601, default now).", valueName: "time"))
    var at: String?

    func validate() throws {
        if at != nil && !once { throw ValidationError("--at goes with --once") }
        if let at, NotifyWiring.parseTime(at) == nil { throw ValidationError("--at: '\(at)' is not an ISO 8601 time (e.g. 2027-01-12T09:00:00+09:00)") }
    }

    func run() throws {
        guard let config = try options.loadConfiguration()?.require() else {
            throw ValidationError("toban notify needs a configuration (customers, contacts, [notify]): --config FILE")
        }
        // A mail program that exits before reading its input must not kill the dispatcher.
        signal(SIGPIPE, SIG_IGN)
        let clock = SystemClock()
        let store = try TobanStore(path: options.storePath(configuration: config))
        try store.saveCustomers(config.customers, at: clock.now)
        let dispatcher = try NotifyWiring.dispatcher(store: store, configuration: config, clock: clock)
        if once {
            let summary = try dispatcher.pass(at: at.flatMap(NotifyWiring.parseTime))
            for line in summary.log { print(line) }
            print("notify: \(summary)")
            return
        }
        let stop = StopSignal()
        let signals = StopOnSignals { stop.stop() }
        defer { withExtendedLifetime(signals) {} }
        printError("toban notify: delivering from \(store.path) (SIGTERM to stop)")
        try dispatcher.run(stop: stop) { summary in
            for line in summary.log { printError(line) }
        }
        printError("toban notify: stopped")
    }
}
