import Foundation

/// A stop request shared across threads: `stop()` may be called from anywhere (the
/// executable's signal handling, a test) and ends a `wait` at once. Long-running loops
/// (following logs, dispatching notifications) sleep through it, on their injected clock.
public final class StopSignal: @unchecked Sendable {
    // @unchecked: `stopped` is only touched with `condition` locked.
    private let condition = NSCondition()
    private var stopped = false

    public init() {}

    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Sleeps up to `duration` of `clock`'s time; returns true if stopped.
    public func wait(_ duration: Duration, clock: any TobanClock) -> Bool {
        let deadline = clock.uptime + duration
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            let left = deadline - clock.uptime
            if left <= .zero { break }
            _ = clock.wait(on: condition, for: left)
        }
        return stopped
    }
}
