import Foundation
import TobanCore

/// A clock that moves only when a test says so, and at once: `advance(by:)` jumps both
/// wall and monotonic time and wakes every wait whose time has come. Code under test that
/// waits on it (a follow loop's poll interval, a ticker, a dispatcher's next due time)
/// sleeps until the test advances past its deadline or its own condition is signalled, so
/// a simulated day runs in milliseconds and nothing depends on how busy the machine is.
public final class ManualClock: TobanClock, @unchecked Sendable {
    // @unchecked: every field is touched with `lock` held.
    private let lock = NSLock()
    private var wall: Date
    private var elapsed: Duration = .zero
    /// Conditions threads are waiting on now, to wake when time moves.
    private var waiting: [ObjectIdentifier: (condition: NSCondition, count: Int)] = [:]
    private var begun = 0

    public init(_ start: Date = t0) { wall = start }

    public var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return wall
    }

    public var uptime: Duration {
        lock.lock()
        defer { lock.unlock() }
        return elapsed
    }

    /// Moves time forward by `duration` and wakes every waiter, which re-checks its deadline.
    public func advance(by duration: Duration) {
        lock.lock()
        elapsed += duration
        wall = wall.addingTimeInterval(duration.timeInterval)
        let conditions = waiting.values.map(\.condition)
        lock.unlock()
        for condition in conditions {
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
    }

    public func advance(seconds: TimeInterval) {
        advance(by: .milliseconds(Int64((seconds * 1000).rounded())))
    }

    /// Sets wall time (a clock stepped by an operator or NTP); monotonic time stays.
    public func set(_ date: Date) {
        lock.lock()
        wall = date
        lock.unlock()
    }

    /// Threads waiting on this clock right now (a test advances once the code under test waits).
    public var waiters: Int {
        lock.lock()
        defer { lock.unlock() }
        return waiting.values.reduce(0) { $0 + $1.count }
    }

    /// Waits begun so far: once it grows after an `advance`, the code under test has done
    /// what that time allowed and is waiting again.
    public var waitsBegun: Int {
        lock.lock()
        defer { lock.unlock() }
        return begun
    }

    public func wait(on condition: NSCondition, for duration: Duration) -> Bool {
        lock.lock()
        begun += 1
        let deadline = elapsed + duration
        if duration <= .zero {
            lock.unlock()
            return false
        }
        let key = ObjectIdentifier(condition)
        waiting[key, default: (condition, 0)].count += 1
        lock.unlock()
        // The caller holds `condition`, so an `advance` between here and the wait cannot
        // broadcast before this thread sleeps: it needs the lock first.
        condition.wait()
        lock.lock()
        if let entry = waiting[key] {
            waiting[key] = entry.count > 1 ? (entry.condition, entry.count - 1) : nil
        }
        let early = elapsed < deadline
        lock.unlock()
        return early
    }
}
