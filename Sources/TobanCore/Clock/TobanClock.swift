import Foundation

/// Where every module gets the time from. Nothing below the executable reads the system
/// clock itself: the executable makes the real clock and hands it down, and tests hand a
/// manual one that moves only when told (or instantly, when the code under test waits),
/// so a simulated day of deadlines and digests runs in milliseconds.
///
/// Two kinds of time, as operating systems keep them:
/// - `now`, wall time: what is stored, shown, and scheduled (deadlines, digest slots,
///   business mornings). It may jump (NTP, an operator setting the clock).
/// - `uptime`, monotonic time since an arbitrary origin: intervals and timeouts (batch
///   age, rotation grace, poll waits). It never jumps, so a clock change cannot make a
///   wait last for hours or a batch look ancient.
public protocol TobanClock: Sendable {
    /// Wall time.
    var now: Date { get }
    /// Monotonic time since an arbitrary origin; only differences mean anything.
    var uptime: Duration { get }
    /// Waits on `condition` (which the caller holds locked, as `NSCondition.wait` wants)
    /// for up to `duration` of this clock's time. Returns true when signalled before the
    /// time was up; like any condition wait it may also return early for no reason, so
    /// callers loop on their own predicate.
    func wait(on condition: NSCondition, for duration: Duration) -> Bool
}

extension Duration {
    /// The duration in seconds, as Foundation's intervals count them.
    public var timeInterval: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}
