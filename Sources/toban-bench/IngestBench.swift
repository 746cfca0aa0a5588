// toban-bench ingest: the end-to-end figures of `toban ingest --once`, as medians.
//
//   toban-bench ingest [--runs 3] FILE [FILE…]
//
// Runs the real binary (the `toban` beside this one) on each file `--runs` times, each
// into a fresh scratch store, and prints per file the median of: wall seconds, lines/s,
// CPU seconds (user + system, the child's own), and the peak RSS of the largest run.
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
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--runs", i + 1 < arguments.count {
                runs = max(1, Int(arguments[i + 1]) ?? runs)
                i += 2
            } else {
                files.append(arguments[i])
                i += 1
            }
        }
        guard !files.isEmpty else {
            FileHandle.standardError.write(Data("usage: toban-bench ingest [--runs N] FILE [FILE…]\n".utf8))
            return 2
        }
        let toban = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("toban").path
        for file in files {
            var results: [Run] = []
            for _ in 0..<runs {
                guard let run = once(toban: toban, file: file) else { return 1 }
                results.append(run)
            }
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            let lines = results[0].lines
            print("""
            \(file): \(lines) lines, \(runs) runs (medians)
              wall        \(String(format: "%.2f", median(results.map(\.seconds)))) s
              lines/s     \(String(format: "%.0f", median(results.map { Double($0.lines) / $0.seconds })))
              cpu         \(String(format: "%.2f", median(results.map(\.cpu)))) s (\(String(format: "%.0f", median(results.map { Double($0.lines) / $0.cpu }))) lines per CPU-second)
              peak RSS    \(String(format: "%.1f", Double(results.map(\.peakKiB).max()!) / 1024)) MB (the largest run's)
            """)
        }
        return 0
    }

    /// One `toban ingest --once` into a fresh store; nil (after saying why) if it failed.
    static func once(toban: String, file: String) -> Run? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-ingest-bench-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("bench.sqlite").path
        let cpuBefore = childrenCPU().seconds
        let output = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: toban)
        process.arguments = ["ingest", "--once", "--store", store, file]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let start = Date()
        do { try process.run() } catch {
            FileHandle.standardError.write(Data("toban-bench ingest: cannot run \(toban): \(error)\n".utf8))
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0 else {
            FileHandle.standardError.write(Data("toban-bench ingest: toban exited \(process.terminationStatus) on \(file)\n".utf8))
            return nil
        }
        let lines = Int(text.split(separator: " ").dropFirst(1).first ?? "") ?? 0 // "ingested N lines: …"
        let after = childrenCPU()
        return Run(seconds: seconds, cpu: after.seconds - cpuBefore, peakKiB: after.peakKiB, lines: lines)
    }

    /// CPU seconds of every child waited for so far (each run takes the difference), and the
    /// largest child's peak RSS.
    static func childrenCPU() -> (seconds: Double, peakKiB: Int) {
        let usage = resourceUsage(children: true)
        return (usage.cpuSeconds, usage.peakKiB)
    }
}
