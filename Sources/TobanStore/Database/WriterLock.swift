#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One ingest writer per store. Two ingests following the same sources into one store
/// would each count every detection (a second one started by mistake doubled 18,017
/// rows' counts), so the writer holds an exclusive flock(2) on `<store>-ingest.lock` for
/// its lifetime; the kernel releases it when the process ends, however it ends.
public final class WriterLock: @unchecked Sendable {
    // @unchecked: the descriptor is set once and closed once.
    private let fd: Int32
    public let path: String

    /// Takes the lock, or throws `StoreError.writerRunning` naming the holder (its pid).
    public init(store: String) throws {
        path = store + "-ingest.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.invalidArgument("cannot open \(path): \(String(cString: strerror(errno)))") }
        var status: Int32
        repeat { status = flock(fd, LOCK_EX | LOCK_NB) } while status != 0 && errno == EINTR
        guard status == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw StoreError.writerRunning(store: store, holder: holder.isEmpty ? "another process" : holder)
        }
        let text = "pid \(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    deinit { close(fd) }
}
