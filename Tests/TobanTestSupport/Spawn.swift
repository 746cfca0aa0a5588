#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Starts programs with posix_spawn. Foundation's Process is avoided: a daemon (tmux
/// server, sshd) started from a test keeps inherited descriptors and waiting through
/// Process can hang, and the test runner's threads block signals that the child must not
/// inherit (a blocked SIGWINCH would hide every resize from the console, a blocked SIGTERM
/// would keep a daemon alive). Output goes to files, read back afterwards.
public enum Spawn {
    /// Starts `argv` with stdin from /dev/null, stdout and stderr to the given files (or
    /// /dev/null), in `currentDirectory` if given.
    public static func start(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                             outPath: String? = nil, errPath: String? = nil, currentDirectory: String? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env(1) changes
        // directory and execs the program in the same process.
        let argv = currentDirectory.map { ["/usr/bin/env", "-C", $0] + argv } ?? argv
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var cenv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cenv { free(p) } }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, &cenv)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return pid
    }

    /// Waits for `pid`; its exit status, or 128 + the signal that ended it.
    @discardableResult
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Standard output (most callers want only that).
        public var output: String { stdout }
    }

    /// Runs `argv` to completion.
    public static func run(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                           currentDirectory: String? = nil) throws -> Output {
        let scratch = TemporaryDirectory(prefix: "toban-spawn")
        let outPath = scratch.file("stdout"), errPath = scratch.file("stderr")
        let status = wait(try start(argv, environment: environment, outPath: outPath, errPath: errPath, currentDirectory: currentDirectory))
        func read(_ path: String) -> String {
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return Output(status: status, stdout: read(outPath), stderr: read(errPath))
    }
}
