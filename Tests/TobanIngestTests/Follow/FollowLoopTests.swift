import Foundation
import Testing
import TobanCore
@testable import TobanIngest

@Suite("FollowLoop")
struct FollowLoopTests {
    @Test func stopFromAnotherThreadWakesTheSleepingLoop() throws {
        let dir = TemporaryDirectory()
        writeFile(dir.file("a.log"), "a\n")
        let loop = FollowLoop(followers: [FileFollower(path: dir.file("a.log"))], pollInterval: .seconds(30))
        let signal = loop.stopSignal
        let stopper = Thread {
            Thread.sleep(forTimeInterval: 0.2)
            signal.stop()
        }
        let started = Date()
        stopper.start()
        var lines: [String] = []
        try loop.run({ _, item in
            if case .line(let line) = item { lines.append(String(decoding: line.bytes, as: UTF8.self)) }
        }, afterPoll: { _, _ in })
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(signal.isStopped)
        #expect(lines == ["a"])
    }

    @Test func runOnceBatchesByLimitAndCommitsCheckpointsAfterEachPoll() throws {
        let dir = TemporaryDirectory()
        let a = dir.file("a.log")
        let b = dir.file("b.log")
        writeFile(a, (1...25).map { "a\($0)\n" }.joined() + "tail")
        writeFile(b, "b1\n")
        let followers = [FileFollower(path: a), FileFollower(path: b)]
        let loop = FollowLoop(followers: followers, maxLinesPerPoll: 10)
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
