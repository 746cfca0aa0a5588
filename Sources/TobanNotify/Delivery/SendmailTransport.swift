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
            let said = Sanitizer.sanitize(stderr.trimmingCharacters(in: .whitespacesAndNewlines))
            switch status {
            case 0: return .delivered("\(program) exit 0" + (said.isEmpty ? "" : ": \(said)"))
            case 75: return .temporary("\(program) exit 75 (EX_TEMPFAIL)" + (said.isEmpty ? "" : ": \(said)"), retryAfter: nil)
            default: return .permanent("\(program) exit \(status)" + (said.isEmpty ? "" : ": \(said)"))
            }
        }
    }
}

/// Runs a program with bytes on its standard input and its standard error kept.
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
        case exited(Int32, stderr: String)
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

    static func run(_ argv: [String], input: [UInt8], timeout: TimeInterval) -> Outcome {
        guard let message = anonymousFile("toban-message", input) else { return .failedToStart("cannot write the message to a temporary file: errno \(errno)") }
        defer { close(message) }
        guard let errors = anonymousFile("toban-sendmail", []) else { return .failedToStart("cannot make a temporary file: errno \(errno)") }
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
        var said = [UInt8](repeating: 0, count: 4096)
        let count = max(0, pread(errors, &said, said.count, 0))
        let stderr = String(decoding: said.prefix(count), as: UTF8.self)
        if (status & 0x7F) != 0 { return .exited(128 + (status & 0x7F), stderr: stderr) }
        return .exited((status >> 8) & 0xFF, stderr: stderr)
    }
}
