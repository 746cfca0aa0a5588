#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// Runs a program (the mail program, curl) with bytes on its standard input, its standard
/// error kept, and as much of its standard output as the caller asks for.
///
/// The input is written to a private temporary file first and the program reads it from
/// there: if this process is killed while the program runs, the program still reads the
/// whole message. Fed through a pipe, a kill in mid-write would have it send a truncated
/// (or empty) message. Standard error goes to a file too, so a program that writes much
/// before reading cannot deadlock us.
///
/// Both files lose their names before anything is written to them: only the open
/// descriptors reach them, so a kill -9 of this process leaves no copy of a customer's
/// message in the temporary directory, and the kernel frees the bytes once both
/// processes are gone.
///
/// The timeout bounds the wait for the program's end (its standard output closing), spent
/// in poll(2): durations handed to the kernel, not clock readings, so the module stays free
/// of clock reads.
enum ProgramRun {
    enum Outcome: Equatable {
        case exited(Int32, stderr: String, stdout: [UInt8] = [])
        case timedOut
        case failedToStart(String)
    }

    /// A private temporary file holding `bytes`, reached only through the returned
    /// descriptor (close-on-exec, above standard error), read from its start; or nil.
    static func anonymousFile(_ prefix: String, _ bytes: [UInt8]) -> Int32? {
        var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)
        let named = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard named >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        // Above 2 so that dup2 onto the child's standard streams never meets itself.
        let fd = fcntl(named, F_DUPFD_CLOEXEC, 3)
        close(named)
        guard fd >= 0 else { return nil }
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        guard ok, lseek(fd, 0, SEEK_SET) == 0 else { close(fd); return nil }
        return fd
    }

    /// What a program printed, as the outbox shows it after its result: ": " and the text
    /// trimmed and sanitised (it may come from a server, or echo a log's text), or nothing
    /// when it printed nothing.
    static func remark(_ printed: some StringProtocol) -> String {
        let said = Sanitizer.sanitize(printed.trimmingCharacters(in: .whitespacesAndNewlines))
        return said.isEmpty ? "" : ": \(said)"
    }

    /// `keepOutput`: the first bytes of standard output to return (the rest is read and
    /// dropped, so the program never blocks on a full pipe).
    static func run(_ argv: [String], input: [UInt8], timeout: TimeInterval, keepOutput: Int = 0) -> Outcome {
        guard let message = anonymousFile("toban-message", input) else { return .failedToStart("cannot write the message to a temporary file: errno \(errno)") }
        defer { close(message) }
        guard let errors = anonymousFile("toban-stderr", []) else { return .failedToStart("cannot make a temporary file: errno \(errno)") }
        defer { close(errors) }
        var stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdoutPipe) == 0 else { return .failedToStart("pipe: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, message, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)
        for fd in [stdoutPipe[0], stdoutPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGPIPE, SIGTERM, SIGINT, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attr, &cargs, environ)
        close(stdoutPipe[1])
        defer { close(stdoutPipe[0]) }
        guard rc == 0 else { return .failedToStart(String(cString: strerror(rc))) }
        // Its standard output closes when it exits; anything it prints is drained.
        var budgetMs = Int32(max(1, min(Double(Int32.max), timeout * 1000)))
        var scratch = [UInt8](repeating: 0, count: 4096)
        var output: [UInt8] = []
        while budgetMs > 0 {
            var p = pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, min(budgetMs, 200))
            if ready == 0 { budgetMs -= min(budgetMs, 200); continue }
            if ready < 0 { if errno == EINTR { continue } else { break } }
            let n = read(stdoutPipe[0], &scratch, scratch.count)
            if n <= 0 { break }
            output.append(contentsOf: scratch.prefix(min(n, max(0, keepOutput - output.count))))
        }
        var status: Int32 = 0
        if budgetMs <= 0 {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return .timedOut
        }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        var said = [UInt8](repeating: 0, count: 4096)
        let count = max(0, pread(errors, &said, said.count, 0))
        let stderr = String(decoding: said.prefix(count), as: UTF8.self)
        if (status & 0x7F) != 0 { return .exited(128 + (status & 0x7F), stderr: stderr, stdout: output) }
        return .exited((status >> 8) & 0xFF, stderr: stderr, stdout: output)
    }
}
