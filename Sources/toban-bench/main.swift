// toban-bench: measures the ingest parsers on real files, and the console's responsiveness.
//
//   toban-bench parse FILE [FILE…]
//   toban-bench console [--detections N] [--store PATH]   (see ConsoleBench.swift)
//   toban-bench ingest [--runs 3] FILE [FILE…]            (see IngestBench.swift)
//   toban-bench follow --background FILE [--rate N]        (see FollowBench.swift)
//   toban-bench store-floor [--rows N] [FILE…]             (see StoreFloorBench.swift)
//   toban-bench notify [--runs 5]                          (see NotifyBench.swift)
//   toban-bench fuzz [--minutes 30] [--seed N] [DIR…]      (see FuzzBench.swift)
//
// Each file is read with read(2) in 8 MiB chunks (no mmap), split into lines, format-detected
// from its first chunk, and parsed single-threaded. Prints counts, time, lines/s and peak RSS.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TobanCore
import TobanIngest
import TobanStore

struct Counts {
    var lines = 0
    var bytes = 0
    var detections = 0
    var context = 0
    var health = 0
    var skipped = 0
    var invalid = 0
    var firstInvalid: String?
}

func peakRSS() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "n/a" }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return line.dropFirst(6).trimmingCharacters(in: .whitespaces)
    }
    return "n/a"
}

/// User + system CPU seconds in `usage`.
func cpuSeconds(_ usage: rusage) -> Double {
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// User + system CPU seconds of this process so far (less sensitive than wall time to other load).
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return cpuSeconds(usage)
}

func currentYear() -> Int {
    var t = time(nil)
    var tmv = tm()
    gmtime_r(&t, &tmv)
    return Int(tmv.tm_year) + 1900
}

/// Parses `path` to its end, single-threaded, and counts what it holds, printing the figures
/// when `report`; nil (after saying why) if it cannot be opened or read.
func countEvents(path: String, format override: SourceFormat?, report: Bool = false) -> Counts? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
        FileHandle.standardError.write("toban-bench: cannot open \(path)\n".data(using: .utf8)!)
        return nil
    }
    defer { close(fd) }
    let chunk = 8 << 20
    var buffer = [UInt8](repeating: 0, count: chunk * 2)
    var carried = 0 // bytes of an unfinished line at the start of buffer
    var counts = Counts()
    var parser: (any LineParser)?
    let options = ParserOptions(syslogYear: currentYear())
    let name = (path as NSString).lastPathComponent
    var detected: SourceFormat?

    @inline(__always) func handle(_ line: UnsafeBufferPointer<UInt8>, _ p: inout any LineParser) {
        counts.lines += 1
        let result = p.parse(line)
        switch consume result {
        case .event(let e):
            switch e.kind {
            case .detection: counts.detections += 1
            case .context: counts.context += 1
            case .health: counts.health += 1
            }
        case .skip: counts.skipped += 1
        case .invalid(let reason):
            counts.invalid += 1
            if counts.firstInvalid == nil { counts.firstInvalid = "line \(counts.lines): \(reason)" }
        }
    }

    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = cpuSeconds()
    while true {
        if buffer.count - carried < chunk { buffer.append(contentsOf: repeatElement(0, count: chunk)) }
        let got = buffer.withUnsafeMutableBytes { raw in
            read(fd, raw.baseAddress! + carried, chunk)
        }
        if got < 0 { perror("read"); return nil }
        let filled = carried + got
        let eof = got == 0
        buffer.withUnsafeBufferPointer { all in
            let base = all.baseAddress!
            if parser == nil {
                let sample = UnsafeBufferPointer(start: base, count: min(filled, 1 << 16))
                detected = override ?? FormatDetector.detect(sample: sample) ?? .syslog
                parser = makeParser(for: detected!, fileName: name, options: options)
            }
            var p = parser!
            var lineStart = 0
            var i = 0
            while let nl = memchr(base + i, 0x0A, filled - i) {
                let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                handle(UnsafeBufferPointer(start: base + lineStart, count: end - lineStart), &p)
                lineStart = end + 1
                i = lineStart
                if i >= filled { break }
            }
            if eof && lineStart < filled {
                handle(UnsafeBufferPointer(start: base + lineStart, count: filled - lineStart), &p)
                lineStart = filled
            }
            parser = p
            carried = filled - lineStart
            counts.bytes += lineStart
            if carried > 0 && lineStart > 0 {
                memmove(UnsafeMutableRawPointer(mutating: base), base + lineStart, carried)
            }
        }
        if eof { break }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let rate = Double(counts.lines) / seconds
    let cpu = cpuSeconds() - cpuStart
    guard report else { return counts }
    print("""
    \(path)
      format      \(detected?.rawValue ?? "-")
      lines       \(counts.lines)  (\(counts.bytes) bytes)
      detections  \(counts.detections)
      context     \(counts.context)
      health      \(counts.health)
      skipped     \(counts.skipped)
      invalid     \(counts.invalid)\(counts.firstInvalid.map { "  first: " + $0 } ?? "")
      seconds     \(String(format: "%.3f", seconds))
      lines/s     \(String(format: "%.0f", rate))
      cpu seconds \(String(format: "%.3f", cpu))  (\(String(format: "%.0f", Double(counts.lines) / cpu)) lines per CPU-second)
      MB/s        \(String(format: "%.1f", Double(counts.bytes) / seconds / 1e6))
      peak RSS    \(peakRSS())
    """)
    return counts
}

// As `toban` does, before any store opens: the figures are the product's.
SQLiteProcessSettings.apply()
var args = Array(CommandLine.arguments.dropFirst())
if args.first == "console" {
    exit(ConsoleBench.main(Array(args.dropFirst())))
}
if args.first == "ingest" {
    exit(IngestBench.main(Array(args.dropFirst())))
}
if args.first == "follow" {
    exit(FollowBench.main(Array(args.dropFirst())))
}
if args.first == "notify" {
    exit(NotifyBench.main(Array(args.dropFirst())))
}
if args.first == "fuzz" {
    exit(FuzzBench.main(Array(args.dropFirst())))
}
if args.first == "store-floor" {
    exit(StoreFloorBench.main(Array(args.dropFirst())))
}
guard args.first == "parse", args.count >= 2 else {
    print("usage: toban-bench parse [--format eve|zeek-json|zeek-tsv|cef|syslog] FILE [FILE…]")
    print("       toban-bench console [--detections N] [--store PATH]")
    print("       toban-bench ingest [--runs 3] FILE [FILE…]")
    print("       toban-bench follow --background FILE [--rate 5000] [--probes 100] [--interval-ms 200]")
    print("       toban-bench store-floor [--rows 100000] [--runs 3] [FILE…]")
    print("       toban-bench notify [--runs 5]")
    print("       toban-bench fuzz [--minutes 30] [--seed N] [--crash-file PATH] [DIR…]")
    exit(2)
}
args.removeFirst()
var format: SourceFormat?
if args.first == "--format", args.count >= 2 {
    format = SourceFormat(rawValue: args[1])
    args.removeFirst(2)
}
var ok = true
for path in args where countEvents(path: path, format: format, report: true) == nil { ok = false }
exit(ok ? 0 : 1)
