import Foundation
import TobanCore

/// The real clock: the one place the system's time is read. Made by the executable and
/// handed to every module (see `TobanClock`).
struct SystemClock: TobanClock {
    var now: Date { Date() }

    var uptime: Duration {
        let elapsed = ContinuousClock.now - SystemClock.origin
        return elapsed
    }

    func wait(on condition: NSCondition, for duration: Duration) -> Bool {
        // NSCondition waits until a wall-clock date; a wall clock stepped meanwhile can
        // only make this one wait end early or late once, and callers re-check uptime.
        condition.wait(until: Date().addingTimeInterval(max(0, duration.timeInterval)))
    }

    private static let origin = ContinuousClock.now
}
