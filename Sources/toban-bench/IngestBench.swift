// toban-bench ingest: the end-to-end figures of `toban ingest --once`, as medians, side by
// side with lnav indexing the same file.
//
//   toban-bench ingest [--runs 3] [--lnav-format PATH] FILE [FILE…]
//
// Runs the real binary (the `toban` beside this one) on each file `--runs` times, each
// into a fresh scratch store, and prints per file the median of: wall seconds, lines/s,
// CPU seconds (user + system, the child's own), and the peak RSS of the largest run (in MiB
// and in decimal MB), with the fastest and slowest wall times beside the medians.
// When lnav is installed, each Toban run alternates with one of lnav (`lnav -n`, headless,
// counting the file's rows), with the EVE format (default ../shared/tools/lnav/
// suricata_eve.json) installed where lnav looks, in a scratch $XDG_CONFIG_HOME, and the
// file linked under a name its file-pattern matches; then Toban's time over lnav's, as a
// ratio of the medians and per alternated pair.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

enum IngestBench {
    struct Run {
        var seconds: Double
        var cpu: Double
        var peakKiB: Int
        var lines: Int
    }

    static func main(_ arguments: [String]) -> Int32 {
        var runs = 3
        var files: [String] = []
        var lnavFormat = "../shared/tools/lnav/suricata_eve.json"
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--runs", i + 1 < arguments.count {
                runs = max(1, Int(arguments[i + 1]) ?? runs)
                i += 2
            } else if arguments[i] == "--lnav-format", i + 1 < arguments.count {
                lnavFormat = arguments[i + 1]
                i += 2
            } else if arguments[i].hasPrefix("-") {
                files = [] // `--help` or an unknown option: the usage, not a file of that name
                break
            } else {
                files.append(arguments[i])
                i += 1
            }
        }
        guard !files.isEmpty, files.allSatisfy({ FileManager.default.isReadableFile(atPath: $0) }) else {
            if let missing = files.first(where: { !FileManager.default.isReadableFile(atPath: $0) }) {
                FileHandle.standardError.write(Data("toban-bench ingest: cannot read \(missing)\n".utf8))
            }
            FileHandle.standardError.write(Data("usage: toban-bench ingest [--runs N] [--lnav-format PATH] FILE [FILE…]\n".utf8))
            return 2
        }
        let toban = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("toban").path
        let lnav = LnavPeer(formatPath: lnavFormat)
        if let problem = lnav.problem { print("lnav: \(problem) — Toban's figures only") }
        for file in files {
            var results: [Run] = []
            var peer: [Run] = []
            for _ in 0..<runs {
                guard let run = once(toban: toban, file: file) else { return 1 }
                results.append(run)
                if lnav.problem == nil, let other = lnav.index(file) { peer.append(other) }
            }
            let lines = results[0].lines
            print("""
            \(file): \(lines) lines, \(runs) runs (medians, [fastest–slowest])
              wall        \(seconds(results.map(\.seconds)))
              lines/s     \(String(format: "%.0f", median(results.map { Double($0.lines) / $0.seconds })))
              cpu         \(String(format: "%.2f", median(results.map(\.cpu)))) s (\(String(format: "%.0f", median(results.map { Double($0.lines) / $0.cpu }))) lines per CPU-second)
              peak RSS    \(memory(results.map(\.peakKiB).max()!)) (the largest run's)
            """)
            if !peer.isEmpty {
                let tobanWall = median(results.map(\.seconds)), lnavWall = median(peer.map(\.seconds))
                // Each Toban run and the lnav run after it met the same state of the machine:
                // their ratio is steadier than the ratio of medians when the machine drifts.
                let pairs = zip(results, peer).map { $0.seconds / $1.seconds }
                print("""
                  \(lnav.version): \(peer[0].lines) rows indexed, runs alternated with Toban's (medians, [fastest–slowest])
                  wall        \(seconds(peer.map(\.seconds)))
                  lines/s     \(String(format: "%.0f", median(peer.map { Double($0.lines) / $0.seconds })))
                  cpu         \(String(format: "%.2f", median(peer.map(\.cpu)))) s
                  peak RSS    \(memory(peer.map(\.peakKiB).max()!))
                  Toban / lnav wall: \(String(format: "%.2f", tobanWall / lnavWall))× (below 1: Toban is faster)
                  per alternated pair: median \(String(format: "%.2f", median(pairs)))×, Toban faster in \(pairs.filter { $0 < 1 }.count) of \(pairs.count)
                """)
            }
        }
        return 0
    }

    /// "6.22 s [5.10–7.30]": the median, then the fastest and the slowest run.
    static func seconds(_ values: [Double]) -> String {
        String(format: "%.2f s [%.2f–%.2f]", median(values), values.min()!, values.max()!)
    }

    /// Peak RSS in both units a limit may be given in: MiB (what `ru_maxrss` counts, in
    /// KiB) and decimal MB.
    static func memory(_ kib: Int) -> String {
        String(format: "%.1f MiB = %.1f MB", Double(kib) / 1024, Double(kib) * 1024 / 1_000_000)
    }

    /// One `toban ingest --once` into a fresh store; nil (after saying why) if it failed.
    static func once(toban: String, file: String) -> Run? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-ingest-bench-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("bench.sqlite").path
        let start = Date()
        guard let child = spawnAndWait(toban, ["ingest", "--once", "--store", store, file]) else {
            FileHandle.standardError.write(Data("toban-bench ingest: cannot run \(toban)\n".utf8))
            return nil
        }
        let seconds = Date().timeIntervalSince(start)
        guard child.status == 0 else {
            FileHandle.standardError.write(Data("toban-bench ingest: toban exited \(child.status) on \(file)\n".utf8))
            return nil
        }
        let lines = Int(child.output.split(separator: " ").dropFirst(1).first ?? "") ?? 0 // "ingested N lines: …"
        return Run(seconds: seconds, cpu: child.cpuSeconds, peakKiB: child.peakKiB, lines: lines)
    }

    /// Runs `path` with `arguments` (standard error discarded) and waits for it with
    /// `wait4`, so CPU time and peak RSS are that child's own. `RUSAGE_CHILDREN` reports
    /// the largest of all children ever waited for, and survives `exec`: run after
    /// another command in the same shell, this benchmark printed that command's peak.
    static func spawnAndWait(_ path: String, _ arguments: [String], environment: [String: String]? = nil)
        -> (status: Int32, output: String, cpuSeconds: Double, peakKiB: Int)? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let env: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { env?.forEach { free($0) } }
        let spawned = env.map { e in e.withUnsafeBufferPointer { posix_spawn(&pid, path, &actions, nil, argv, UnsafeMutablePointer(mutating: $0.baseAddress)) } }
            ?? posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard spawned == 0 else { return nil }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &chunk, chunk.count)
            if n > 0 { output.append(contentsOf: chunk[0..<n]) } else if n == 0 || errno != EINTR { break }
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (exit, String(decoding: output, as: UTF8.self), cpuSeconds(usage), Int(usage.ru_maxrss))
    }
}

/// lnav indexing a file headless: the peer the ingest figures are compared with.
struct LnavPeer {
    let path = "/usr/bin/lnav"
    let formatPath: String
    /// Why there are no lnav figures (not installed, no format), or nil.
    let problem: String?
    let version: String

    init(formatPath: String) {
        self.formatPath = formatPath
        if !FileManager.default.isExecutableFile(atPath: path) {
            problem = "not installed (apt-get install lnav)"
        } else if !FileManager.default.fileExists(atPath: formatPath) {
            problem = "no EVE format at \(formatPath) (--lnav-format PATH)"
        } else {
            problem = nil
        }
        version = problem == nil ? (IngestBench.spawnAndWait(path, ["-V"])?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?") : "-"
    }

    /// One headless run over `file`: the format installed in a scratch config directory,
    /// the file linked as `eve-bench.json` (the format's file-pattern is `eve.*\\.json`).
    func index(_ file: String) -> IngestBench.Run? {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("toban-lnav-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let formats = scratch.appendingPathComponent("lnav/formats/installed")
        let linked = scratch.appendingPathComponent("eve-bench.json").path
        do {
            try FileManager.default.createDirectory(at: formats, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: formatPath, toPath: formats.appendingPathComponent("suricata_eve.json").path)
            if link(file, linked) != 0 { try FileManager.default.copyItem(atPath: file, toPath: linked) }
        } catch {
            print("lnav: cannot prepare a run: \(error)")
            return nil
        }
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = scratch.path
        environment["HOME"] = scratch.path
        let start = Date()
        guard let child = IngestBench.spawnAndWait(path, ["-n", "-c", ";SELECT count(*) FROM all_logs", linked], environment: environment),
              child.status == 0 else { return nil }
        let seconds = Date().timeIntervalSince(start)
        let rows = child.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }.last ?? 0
        return IngestBench.Run(seconds: seconds, cpu: child.cpuSeconds, peakKiB: child.peakKiB, lines: rows)
    }
}
