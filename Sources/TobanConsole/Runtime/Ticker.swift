import Foundation
import TobanCore

/// Calls a body at a fixed interval of the injected clock's time, on a thread of its own
/// (clock ticks, store polling). Stops when cancelled or released. Waiting through the
/// clock, not a dispatch timer, is what lets a test's manual clock drive the console's
/// ticks as fast as it likes.
public final class Ticker: Sendable {
    private let control = Control()

    public init(every interval: Duration, clock: any TobanClock, _ body: @escaping @Sendable () -> Void) {
        let control = self.control
        let thread = Thread {
            control.condition.lock()
            defer { control.condition.unlock() }
            var next = clock.uptime + interval
            while !control.cancelled {
                let left = next - clock.uptime
                if left > .zero {
                    _ = clock.wait(on: control.condition, for: left)
                    continue
                }
                control.condition.unlock()
                body()
                control.condition.lock()
                // Behind (a suspended laptop, a slow body): one call now, not a burst.
                next = max(next + interval, clock.uptime)
            }
        }
        thread.name = "toban.ticker"
        thread.start()
    }

    /// Posts `message()` to `inbox` at each interval.
    public convenience init<Message: Sendable>(every interval: Duration, clock: any TobanClock, inbox: Inbox<Message>,
                                               message: @escaping @Sendable () -> Message) {
        self.init(every: interval, clock: clock) { inbox.post(message()) }
    }

    public func cancel() { control.cancel() }

    deinit { control.cancel() }

    /// What the thread shares with the owner; the thread holds this, not the ticker, so
    /// releasing the ticker stops it.
    private final class Control: @unchecked Sendable {
        // @unchecked: `cancelled` is only touched with `condition` locked.
        let condition = NSCondition()
        var cancelled = false

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
