import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A self-pipe: any thread can `wake()` a reader that is waiting in `poll(2)` for input,
/// so a message posted by background work (a page read, the store poller) is drawn at
/// once instead of when the input wait times out.
final class WakePipe: @unchecked Sendable {
    // @unchecked: two file descriptors, set once; write(2) and read(2) are thread-safe.
    let readFD: Int32
    private let writeFD: Int32

    init?() {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Makes the next (or current) `wait` return. A full pipe already means "wake".
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe (after a wake-up was noticed).
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }

    /// Waits up to `timeoutMs` for `input` to be readable or for a wake-up. True when woken
    /// (and not because of input); input readiness, a timeout and EINTR all return false.
    func wait(input: Int32, timeoutMs: Int) -> Bool {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, 2, Int32(max(0, timeoutMs)))
        guard n > 0 else { return false }
        if fds[1].revents & Int16(POLLIN) != 0 && fds[0].revents == 0 {
            drain()
            return true
        }
        return false
    }
}
