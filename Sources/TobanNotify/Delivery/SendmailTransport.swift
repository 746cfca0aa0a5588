#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// Mail through a sendmail-compatible program (sendmail, msmtp, postfix): `PROGRAM -i -f
/// SENDER -- RCPT…` with the message on standard input. Recipients go on the command line,
/// never into `-t` header parsing, so no header can add one. Exit 0 is sent; 75
/// (EX_TEMPFAIL) is a temporary failure; any other status is permanent, reported with the
/// program's standard error.
public struct SendmailTransport: NotificationTransport {
    public let program: String
    public let from: String
    /// Customers' zones (for the Date header) and Cc lists, by id.
    public let customers: [String: Customer]
    /// A program that has not finished by then is killed and the attempt retried.
    public let timeout: TimeInterval

    public init(program: String, from: String, customers: [Customer], timeout: TimeInterval = 60) {
        self.program = program
        self.from = from
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.timeout = timeout
    }

    public func message(for n: CustomerNotification, at now: Date) -> MailMessage {
        let customer = customers[n.customerID]
        return MailMessage(from: from, to: n.recipients, cc: customer?.notificationPolicy.cc ?? [], subject: n.subject, date: now,
                           timeZone: customer?.timeZone ?? TimeZone(identifier: "UTC")!, messageID: n.messageID,
                           inReplyTo: n.inReplyTo, body: n.body)
    }

    public func deliver(_ n: CustomerNotification, items: [NotificationItem], at now: Date) -> DeliveryResult {
        let mail = message(for: n, at: now)
        let text: String
        do { text = try mail.rendered() } catch { return .permanent("not sent: \(error)") }
        // The program reads the local convention (LF) and writes CRLF on the wire itself.
        let local = text.replacingOccurrences(of: "\r\n", with: "\n")
        let run = ProgramRun.run([program, "-i", "-f", from, "--"] + mail.recipients, input: Array(local.utf8), timeout: timeout)
        switch run {
        case .failedToStart(let reason):
            return .temporary("\(program): \(reason)", retryAfter: nil)
        case .timedOut:
            return .temporary("\(program) did not finish within \(Int(timeout)) s", retryAfter: nil)
        case .exited(let status, let stderr):
            let said = Sanitized.line(stderr.trimmingCharacters(in: .whitespacesAndNewlines))
            switch status {
            case 0: return .delivered("\(program) exit 0" + (said.isEmpty ? "" : ": \(said)"))
            case 75: return .temporary("\(program) exit 75 (EX_TEMPFAIL)" + (said.isEmpty ? "" : ": \(said)"), retryAfter: nil)
            default: return .permanent("\(program) exit \(status)" + (said.isEmpty ? "" : ": \(said)"))
            }
        }
    }
}

/// Runs a program with bytes on its standard input and its standard error kept (in a
/// temporary file, so a program that writes much before reading cannot deadlock us).
///
/// The timeout bounds inactivity and is spent only while poll(2) waits for the program
/// (to read its input, or to end, which closes its standard output): durations handed to
/// the kernel, not clock readings, so the module stays free of clock reads.
enum ProgramRun {
    enum Outcome: Equatable {
        case exited(Int32, stderr: String)
        case timedOut
        case failedToStart(String)
    }

    static func run(_ argv: [String], input: [UInt8], timeout: TimeInterval) -> Outcome {
        var template = Array((NSTemporaryDirectory() + "toban-sendmail-XXXXXX").utf8CString)
        let errFD = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard errFD >= 0 else { return .failedToStart("cannot make a temporary file: errno \(errno)") }
        let errPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(errFD); unlink(errPath) }
        var stdinPipe: [Int32] = [0, 0], stdoutPipe: [Int32] = [0, 0]
        guard pipe(&stdinPipe) == 0 else { return .failedToStart("pipe: errno \(errno)") }
        guard pipe(&stdoutPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
            return .failedToStart("pipe: errno \(errno)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        for fd in [stdinPipe[0], stdinPipe[1], stdoutPipe[0], stdoutPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
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
        close(stdinPipe[0])
        close(stdoutPipe[1])
        defer { close(stdoutPipe[0]) }
        guard rc == 0 else {
            close(stdinPipe[1])
            return .failedToStart(String(cString: strerror(rc)))
        }
        var budgetMs = Int32(max(1, min(Double(Int32.max), timeout * 1000)))
        // Non-blocking: a program that exits without reading makes write fail with EPIPE
        // (SIGPIPE is ignored by the executable), not hang.
        _ = fcntl(stdinPipe[1], F_SETFL, fcntl(stdinPipe[1], F_GETFL) | O_NONBLOCK)
        var written = 0
        input.withUnsafeBytes { bytes in
            while written < bytes.count && budgetMs > 0 {
                let n = write(stdinPipe[1], bytes.baseAddress! + written, bytes.count - written)
                if n > 0 { written += n; continue }
                guard n < 0, errno == EAGAIN || errno == EINTR else { return } // EPIPE: its exit status says why
                var p = pollfd(fd: stdinPipe[1], events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, min(budgetMs, 200)) == 0 { budgetMs -= min(budgetMs, 200) }
            }
        }
        close(stdinPipe[1])
        // Its standard output closes when it exits; anything it prints is drained.
        var scratch = [UInt8](repeating: 0, count: 4096)
        while budgetMs > 0 {
            var p = pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, min(budgetMs, 200))
            if ready == 0 { budgetMs -= min(budgetMs, 200); continue }
            if ready < 0 { if errno == EINTR { continue } else { break } }
            if read(stdoutPipe[0], &scratch, scratch.count) <= 0 { break }
        }
        var status: Int32 = 0
        if budgetMs <= 0 {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return .timedOut
        }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath)?.prefix(4096) ?? Data(), as: UTF8.self)
        if (status & 0x7F) != 0 { return .exited(128 + (status & 0x7F), stderr: stderr) }
        return .exited((status >> 8) & 0xFF, stderr: stderr)
    }
}
