import Foundation
import TobanCore

/// Calls a body at a fixed interval of the injected clock's time, on a thread of its own
/// (clock ticks, store polling). Stops when cancelled or released. Waiting through the
/// clock, not a dispatch timer, is what lets a test's manual clock drive the console's
/// ticks as fast as it likes.
public final class Ticker: Sendable {
    /// The thread holds this, not the ticker, so releasing the ticker stops it.
    private let stop = StopSignal()

    public init(every interval: Duration, clock: any TobanClock, _ body: @escaping @Sendable () -> Void) {
        let stop = self.stop
        let thread = Thread {
            var next = clock.uptime + interval
            while !stop.wait(next - clock.uptime, clock: clock) {
                body()
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

    public func cancel() { stop.stop() }

    deinit { stop.stop() }
}
