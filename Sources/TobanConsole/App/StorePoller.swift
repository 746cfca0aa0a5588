import Foundation
import TobanCore
import TobanStore

/// Watches the store from a background thread: posts `storeChanged` when `PRAGMA
/// data_version` moves (another analyst or ingest committed) and `tick` with the clock's
/// time once a second.
public final class StorePoller: Sendable {
    private let ticker: Ticker

    public init(store: TobanStore, inbox: Inbox<ConsoleMessage>, clock: any TobanClock, intervalMs: Int = 250) {
        let ticksPerSecond = max(1, 1000 / intervalMs)
        let seen = Seen()
        ticker = Ticker(every: .milliseconds(intervalMs), clock: clock) {
            if let v = try? store.dataVersion() {
                if let last = seen.version, v != last { inbox.post(.storeChanged) }
                seen.version = v
            }
            seen.polls += 1
            if seen.polls % ticksPerSecond == 0 { inbox.post(.tick(clock.now)) }
        }
    }

    public func cancel() { ticker.cancel() }

    /// The last data_version seen and the polls so far.
    private final class Seen: @unchecked Sendable {
        // @unchecked: touched only on the ticker's thread.
        var version: Int64?
        var polls = 0
    }
}
