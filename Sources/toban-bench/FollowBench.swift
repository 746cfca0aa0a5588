// toban-bench follow: how soon a detection appended to a followed file can be queried,
// while the file grows at a steady background rate.
//
//   toban-bench follow --background FILE [--rate 5000] [--probes 100] [--interval-ms 200]
//
// Runs the real `toban ingest` (the binary beside this one) following a fresh file in a
// scratch directory. A writer appends lines taken from FILE (e.g. gen_eve.py's mix) at
// `--rate` lines/s, and every `--interval-ms` one probe: an alert with a signature id of
// its own, so it never folds into another row. A reader polls the store (read-only, as
// the console does) and notes when each probe became a queryable detection. Prints the
// latency median, p99 and max, and the rate actually written.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanStore

enum FollowBench {
    static func main(_ arguments: [String]) -> Int32 {
        var background: String?
        var rate = 5000.0, probes = 100, intervalMS = 200
        var i = 0
        while i < arguments.count {
            let value = i + 1 < arguments.count ? arguments[i + 1] : ""
            switch arguments[i] {
            case "--background": background = value
            case "--rate": rate = Double(value) ?? rate
            case "--probes": probes = Int(value) ?? probes
            case "--interval-ms": intervalMS = Int(value) ?? intervalMS
            default:
                FileHandle.standardError.write(Data("toban-bench follow: unknown option \(arguments[i])\n".utf8))
                return 2
            }
            i += 2
        }
        guard let background, let text = try? String(contentsOfFile: background, encoding: .utf8) else {
            FileHandle.standardError.write(Data("usage: toban-bench follow --background FILE [--rate N] [--probes N] [--interval-ms N]\n".utf8))
            return 2
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(200_000).map { String($0) + "\n" }
        guard !lines.isEmpty else { return 2 }
        do {
            return try run(lines: lines, rate: rate, probes: probes, interval: Double(intervalMS) / 1000)
        } catch {
            FileHandle.standardError.write(Data("toban-bench follow: \(error)\n".utf8))
            return 1
        }
    }

    static func run(lines: [String], rate: Double, probes: Int, interval: Double) throws -> Int32 {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("toban-follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("eve.json").path
        let storePath = directory.appendingPathComponent("toban.sqlite").path
        FileManager.default.createFile(atPath: log, contents: nil)
        // Create the store first, so the reader can open it as soon as ingest runs.
        try TobanStore(path: storePath).close()

        let toban = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("toban").path
        let ingest = Process()
        ingest.executableURL = URL(fileURLWithPath: toban)
        ingest.arguments = ["ingest", "--store", storePath, log]
        ingest.standardError = FileHandle.nullDevice
        ingest.standardOutput = FileHandle.nullDevice
        try ingest.run()
        defer { if ingest.isRunning { ingest.terminate(); ingest.waitUntilExit() } }

        let reader = try TobanStore(path: storePath)
        guard let handle = FileHandle(forWritingAtPath: log) else { return 1 }
        let start = Date()
        var written = 0, probe = 0
        var appended: [Int: Date] = [:]
        var seen: [Int: Date] = [:]
        var nextProbe = start.addingTimeInterval(1)
        var pending: [UInt8] = []
        let tick = 0.01
        while seen.count < probes {
            let now = Date()
            let elapsed = now.timeIntervalSince(start)
            // Background lines due by now, written in one append per tick.
            let due = Int(elapsed * rate)
            pending.removeAll(keepingCapacity: true)
            while written < due {
                pending.append(contentsOf: lines[written % lines.count].utf8)
                written += 1
            }
            if probe < probes, now >= nextProbe {
                pending.append(contentsOf: probeLine(probe, at: now).utf8)
                appended[probe] = now
                probe += 1
                nextProbe = nextProbe.addingTimeInterval(interval)
            }
            if !pending.isEmpty { handle.write(Data(pending)) }
            // Poll the store for probes not yet seen.
            let waiting = appended.keys.filter { seen[$0] == nil }
            if !waiting.isEmpty {
                var filter = DetectionFilter()
                filter.sensor = "probe"
                let found = try reader.detections(filter, limit: probes + 1).map(\.signature.id)
                let at = Date()
                for id in found {
                    if let n = Int(id.dropFirst()), seen[n] == nil, appended[n] != nil { seen[n] = at }
                }
            }
            if elapsed > Double(probes) * interval + 60 { break } // ingest stalled: report what there is
            usleep(useconds_t(tick * 1_000_000))
        }
        let seconds = Date().timeIntervalSince(start)
        try handle.close()
        try reader.close()
        let latencies = seen.compactMap { n, at in appended[n].map { at.timeIntervalSince($0) * 1000 } }.sorted()
        guard !latencies.isEmpty else {
            print("no probe became visible")
            return 1
        }
        let p99 = latencies[min(latencies.count - 1, Int((Double(latencies.count) * 0.99).rounded(.up)) - 1)]
        print("""
        follow latency (append → queryable detection), \(latencies.count)/\(probes) probes
          background  \(String(format: "%.0f", Double(written) / seconds)) lines/s for \(String(format: "%.1f", seconds)) s
          median      \(String(format: "%.1f", latencies[latencies.count / 2])) ms
          p99         \(String(format: "%.1f", p99)) ms
          max         \(String(format: "%.1f", latencies.last!)) ms
          (the reader polls every \(Int(tick * 1000)) ms, so figures include up to that much)
        """)
        return latencies.count == probes ? 0 : 1
    }

    /// An EVE alert from sensor "probe" with signature id 9<n>: unique, so never folded.
    static func probeLine(_ n: Int, at time: Date) -> String {
        let stamp = ISO8601DateFormatter.string(from: time, timeZone: TimeZone(identifier: "UTC")!,
                                                formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        return #"{"timestamp":"\#(stamp)","event_type":"alert","host":"probe","src_ip":"10.9.9.9","src_port":40000,"dest_ip":"198.51.100.\#(n % 250 + 1)","dest_port":443,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":9\#(n),"rev":1,"signature":"TOBAN latency probe \#(n)","category":"Misc","severity":2}}"#
            + "\n"
    }
}
