import Foundation
import TobanCore

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
    public let stopSignal: StopSignal
    /// Times the pauses between polls and tells followers how long a rotated file was quiet.
    public let clock: any TobanClock

    public init(followers: [FileFollower], clock: any TobanClock, pollInterval: Duration = .milliseconds(100),
                maxLinesPerPoll: Int = 10_000, stopSignal: StopSignal = StopSignal()) {
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
