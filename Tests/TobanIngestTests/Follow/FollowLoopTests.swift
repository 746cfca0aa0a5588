import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

@Suite("FollowLoop")
struct FollowLoopTests {
    /// The loop sleeps its poll interval on the injected clock; a stop from another
    /// thread ends that sleep at once, though the clock never moves.
    @Test func stopFromAnotherThreadWakesTheSleepingLoop() throws {
        let dir = TemporaryDirectory()
        writeFile(dir.file("a.log"), "a\n")
        let clock = ManualClock()
        let loop = FollowLoop(followers: [FileFollower(path: dir.file("a.log"))], clock: clock, pollInterval: .seconds(30))
        let signal = loop.stopSignal
        final class Outcome: @unchecked Sendable {
            let lock = NSLock()
            var lines: [String] = []
            var finished = false
            var error: Error?
        }
        let outcome = Outcome()
        /// The loop moves to the runner thread, which alone uses it; this one keeps the signal.
        final class Handoff: @unchecked Sendable { let loop: FollowLoop; init(_ loop: FollowLoop) { self.loop = loop } }
        let handoff = Handoff(loop)
        let runner = Thread {
            do {
                try handoff.loop.run({ _, item in
                    if case .line(let line) = item {
                        outcome.lock.withLock { outcome.lines.append(String(decoding: line.bytes, as: UTF8.self)) }
                    }
                }, afterPoll: { _, _ in })
            } catch {
                outcome.lock.withLock { outcome.error = error }
            }
            outcome.lock.withLock { outcome.finished = true }
        }
        runner.start()
        #expect(eventually { clock.waiters == 1 }, "the loop sleeps its poll interval")
        #expect(!outcome.lock.withLock { outcome.finished })
        signal.stop()
        #expect(eventually { outcome.lock.withLock { outcome.finished } }, "stop wakes the loop")
        #expect(clock.uptime == .zero)
        #expect(signal.isStopped)
        outcome.lock.withLock {
            #expect(outcome.error == nil)
            #expect(outcome.lines == ["a"])
        }
    }

    @Test func runOnceBatchesByLimitAndCommitsCheckpointsAfterEachPoll() throws {
        let dir = TemporaryDirectory()
        let a = dir.file("a.log")
        let b = dir.file("b.log")
        writeFile(a, (1...25).map { "a\($0)\n" }.joined() + "tail")
        writeFile(b, "b1\n")
        let followers = [FileFollower(path: a), FileFollower(path: b)]
        let loop = FollowLoop(followers: followers, clock: ManualClock(), maxLinesPerPoll: 10)
        var pending: [String: Int64] = [:]
        var committed: [String: Int64] = [:]
        var batches: [Int] = []
        var texts: [String] = []
        try loop.runOnce({ _, item in
            if case .line(let line) = item {
                texts.append(String(decoding: line.bytes, as: UTF8.self))
                pending[line.path] = line.end
            }
        }, afterPoll: { follower, summary in
            batches.append(summary.lines)
            // What a store would commit with the rows: each checkpoint sits right after the
            // last line handed over for its file.
            for cp in follower.checkpoints {
                #expect(cp.offset == pending[cp.path] ?? 0)
                committed[cp.path] = cp.offset
            }
        })
        #expect(texts.filter { $0.hasPrefix("a") } == (1...25).map { "a\($0)" })
        #expect(texts.contains("tail"))
        #expect(texts.contains("b1"))
        #expect(batches.prefix(2) == [10, 1])
        #expect(committed[a] == Int64((1...25).map { "a\($0)\n" }.joined().utf8.count + 4))
        #expect(committed[b] == 3)
    }
}
