import Foundation
import TobanCore

/// A stop request shared across threads: `stop()` may be called from anywhere (e.g. the
/// executable's signal handling thread) and wakes a sleeping `FollowLoop` at once.
public final class FollowStopSignal: @unchecked Sendable {
    // Sendable by hand: `stopped` is only touched with `condition` locked.
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

/// Drives several followers on the calling thread: polls each in turn, lets the caller
/// commit after each poll, sleeps `pollInterval` when nothing more is pending, and returns
/// once `stop()` is called.
public final class FollowLoop {
    public let followers: [FileFollower]
    public let pollInterval: Duration
    /// Bounds one poll (and so one commit) per follower; a follower that hit it is polled
    /// again without sleeping.
    public let maxLinesPerPoll: Int
    /// Hand this to other threads; calling `stop()` on it ends `run`.
    public let stopSignal: FollowStopSignal
    /// Times the pauses between polls and tells followers how long a rotated file was quiet.
    public let clock: any TobanClock

    public init(followers: [FileFollower], clock: any TobanClock, pollInterval: Duration = .milliseconds(100),
                maxLinesPerPoll: Int = 10_000, stopSignal: FollowStopSignal = FollowStopSignal()) {
        self.followers = followers
        self.clock = clock
        self.pollInterval = pollInterval
        self.maxLinesPerPoll = maxLinesPerPoll
        self.stopSignal = stopSignal
    }

    /// Thread-safe.
    public func stop() { stopSignal.stop() }

    /// Polls until stopped. `body` gets each line and event; `afterPoll` is called after
    /// every poll of a follower, the moment to commit rows with `follower.checkpoints`.
    /// Errors thrown by either closure end the loop and are rethrown.
    public func run(_ body: (FileFollower, FollowItem) throws -> Void,
                    afterPoll: (FileFollower, PollSummary) throws -> Void) throws {
        while !stopSignal.isStopped {
            let morePending = try pollAll(atEndOfInput: false, body, afterPoll: afterPoll)
            if !morePending && stopSignal.wait(pollInterval, clock: clock) { break }
        }
    }

    /// `--once`: polls every follower until nothing is pending, with the end of input
    /// declared (final lines without newline are delivered), then returns.
    public func runOnce(_ body: (FileFollower, FollowItem) throws -> Void,
                        afterPoll: (FileFollower, PollSummary) throws -> Void) throws {
        while try pollAll(atEndOfInput: true, body, afterPoll: afterPoll), !stopSignal.isStopped {}
    }

    /// One round over all followers; true if any stopped at its line limit.
    private func pollAll(atEndOfInput: Bool, _ body: (FileFollower, FollowItem) throws -> Void,
                         afterPoll: (FileFollower, PollSummary) throws -> Void) throws -> Bool {
        var morePending = false
        for follower in followers {
            if stopSignal.isStopped { return false }
            let summary = try follower.poll(maxLines: maxLinesPerPoll, atEndOfInput: atEndOfInput, at: clock.uptime) { item in
                try body(follower, item)
            }
            try afterPoll(follower, summary)
            morePending = morePending || summary.limitReached
        }
        return morePending
    }
}
