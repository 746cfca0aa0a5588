import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TobanConsole
import TobanTestSupport

@Suite struct WakePipeTests {
    /// A pipe standing in for the terminal's input: readable only when written to.
    final class FakeInput {
        var fds: [Int32] = [0, 0]
        init() { _ = pipe(&fds) }
        deinit { close(fds[0]); close(fds[1]) }
        func type() { var b: UInt8 = 0x6A; _ = write(fds[1], &b, 1) }
    }

    @Test("a post from another thread ends the input wait at once, not at its timeout")
    func postWakesTheWait() throws {
        let wake = try #require(WakePipe())
        let input = FakeInput()
        let inbox = Inbox<Int>()
        inbox.setWaker { wake.wake() }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { inbox.post(1) }
        let started = Date()
        #expect(wake.wait(input: input.fds[0], timeoutMs: 10_000))
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(inbox.drain() == [1])
        // Woken once: the next wait times out (the pipe was drained).
        #expect(!wake.wait(input: input.fds[0], timeoutMs: 30))
    }

    @Test("input readiness is not mistaken for a wake-up, and an idle wait times out")
    func inputAndTimeout() throws {
        let wake = try #require(WakePipe())
        let input = FakeInput()
        let started = Date()
        #expect(!wake.wait(input: input.fds[0], timeoutMs: 60))
        #expect(Date().timeIntervalSince(started) >= 0.05)
        input.type()
        let typed = Date()
        #expect(!wake.wait(input: input.fds[0], timeoutMs: 10_000))
        #expect(Date().timeIntervalSince(typed) < 2)
    }
}
