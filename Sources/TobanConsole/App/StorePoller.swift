import Foundation
import TobanStore

/// Watches the store from a background queue: posts `storeChanged` when `PRAGMA
/// data_version` moves (another analyst or ingest committed) and `tick` once a second.
public final class StorePoller: @unchecked Sendable {
    // @unchecked: `last` and `elapsed` are touched only on the serial timer queue.
    private let timer: DispatchSourceTimer
    private var last: Int64?
    private var elapsed = 0

    public init(store: TobanStore, inbox: Inbox<ConsoleMessage>, intervalMs: Int = 250) {
        let queue = DispatchQueue(label: "toban.console.poller", qos: .utility)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(intervalMs), repeating: .milliseconds(intervalMs), leeway: .milliseconds(20))
        let ticksPerSecond = max(1, 1000 / intervalMs)
        timer.setEventHandler { [unowned self] in
            if let v = try? store.dataVersion() {
                if let last = self.last, v != last { inbox.post(.storeChanged) }
                self.last = v
            }
            self.elapsed += 1
            if self.elapsed % ticksPerSecond == 0 { inbox.post(.tick) }
        }
        timer.resume()
    }

    public func cancel() { timer.cancel() }

    deinit { timer.cancel() }
}
