#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// A mutation fuzzer over every line parser, the format detector and what the pipeline does
/// with a parsed event (the time gate, normalisation, the printed time): lines from seed
/// files are mutated (bit flips, interesting bytes and numbers, splices, cuts, repeats)
/// and fed to all of them. Everything from a log is attacker-controlled, so no input may
/// trap: a trap ends the process, and the input that caused it is left in `crashFile`.
///
/// Used by the test suite for a few seconds, and by `toban-bench fuzz --minutes N` for long
/// runs. Reproducible: the same seeds and `randomSeed` give the same inputs.
public struct ParserFuzzer {
    public struct Report: Sendable, CustomStringConvertible {
        public var iterations = 0
        public var seeds = 0
        public var seconds = 0.0
        /// Parser calls per outcome, over every parser.
        public var events = 0
        public var invalid = 0
        public var skipped = 0
        public var randomSeed: UInt64 = 0

        public var description: String {
            let rate = seconds > 0 ? Double(iterations) / seconds : 0
            return "fuzz: \(iterations) inputs (\(Int(rate))/s) from \(seeds) seed lines in \(String(format: "%.1f", seconds)) s, "
                + "\(SourceFormat.allCases.count) parsers each: \(events) events, \(invalid) invalid, \(skipped) skipped; "
                + "no trap (random seed \(randomSeed))"
        }
    }

    /// Longest input tried; longer mutations are cut (the pipeline rejects longer lines early).
    public static let maxInputBytes = 16 * 1024

    private var seeds: [[UInt8]]
    private var headers: [[UInt8]]
    private var random: SplitMix
    private var parsers: [(SourceFormat, any LineParser)] = []
    private var normaliser = EventNormaliser(directory: CustomerDirectory(customers: [
        Customer(id: "fuzz", displayName: "Fuzz", networks: ["10.0.0.0/8", "fd00::/8"].compactMap { try? CIDR(parsing: $0) }),
    ]), rules: .default)
    private let options: ParserOptions
    private let randomSeed: UInt64

    /// - Parameters:
    ///   - seeds: sample lines (without newline); Zeek `#` header lines among them are also
    ///     fed to the stateful Zeek TSV parser whenever it is renewed.
    public init(seeds: [[UInt8]], randomSeed: UInt64 = 0x70BA_4F22) {
        self.seeds = seeds.isEmpty ? [Array("{}".utf8)] : seeds.map { Array($0.prefix(Self.maxInputBytes)) }
        self.headers = seeds.filter { $0.first == UInt8(ascii: "#") }
        self.random = SplitMix(state: randomSeed)
        self.randomSeed = randomSeed
        var options = ParserOptions(syslogYear: 2026, localUTCOffsetSeconds: 9 * 3600)
        options.yearReference = 1_795_176_000
        options.localTimeZone = TimeZone(identifier: "Asia/Tokyo")
        self.options = options
        renewParsers()
    }

    /// Lines of every regular file under `directories` (recursively; compressed files are
    /// skipped), at most `maxLinesPerFile` from each, in path order.
    public static func seedLines(from directories: [String], maxLinesPerFile: Int = 2_000) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for directory in directories {
            guard let walker = FileManager.default.enumerator(atPath: directory) else { continue }
            let files = walker.compactMap { $0 as? String }.sorted()
            for name in files where !SourceDiscovery.isCompressed(name) {
                let path = directory + "/" + name
                guard FileStatus.of(path: path)?.isRegular == true, let data = FileManager.default.contents(atPath: path) else { continue }
                var count = 0
                for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) where count < maxLinesPerFile {
                    lines.append(Array(line.prefix(maxInputBytes)))
                    count += 1
                }
            }
        }
        return lines
    }

    /// Writes the input under test where a trap leaves it, then feeds inputs for `duration`
    /// of `clock`'s monotonic time, or `maxIterations` inputs, whichever ends first;
    /// `progress` is called about every `progressEvery`.
    public mutating func run(for duration: Duration, clock: any TobanClock, maxIterations: Int = .max, crashFile: String,
                             progressEvery: Duration = .seconds(60), progress: (Report) -> Void = { _ in }) -> Report {
        let guardrail = TrapRecorder(path: crashFile)
        defer { guardrail.finish() }
        let start = clock.uptime
        let deadline = start + duration
        var nextProgress = start + progressEvery
        var report = Report(seeds: seeds.count, randomSeed: randomSeed)
        var input: [UInt8] = []
        while report.iterations < maxIterations {
            if report.iterations & 255 == 0 {
                let now = clock.uptime
                if now >= deadline { break }
                if now >= nextProgress {
                    report.seconds = (now - start).timeInterval
                    progress(report)
                    nextProgress = now + progressEvery
                }
            }
            if report.iterations % 5_000 == 0 { renewParsers() }
            mutate(into: &input)
            guardrail.hold(input)
            feed(input, &report)
            report.iterations += 1
        }
        report.seconds = (clock.uptime - start).timeInterval
        return report
    }

    // MARK: Feeding

    private mutating func renewParsers() {
        parsers = SourceFormat.allCases.map { format in
            var parser = makeParser(for: format, fileName: "/var/log/zeek/conn.log", options: options)
            if format == .zeekTSV {
                for header in headers { _ = header.withUnsafeBufferPointer { parser.parse($0) } }
            }
            return (format, parser)
        }
    }

    private mutating func feed(_ input: [UInt8], _ report: inout Report) {
        input.withUnsafeBufferPointer { line in
            _ = FormatDetector.detect(line: line)
            _ = FormatDetector.detect(sample: line)
            for k in parsers.indices {
                let result = parsers[k].1.parse(line)
                switch result {
                case .event(let event):
                    report.events += 1
                    normalise(event, format: parsers[k].0, line: line)
                case .invalid: report.invalid += 1
                case .skip: report.skipped += 1
                }
            }
        }
    }

    /// What the pipeline does with an event: the time gate, then the conversions of
    /// normalisation and of printing its time.
    private mutating func normalise(_ event: ParsedEvent, format: SourceFormat, line: UnsafeBufferPointer<UInt8>) {
        let now = Date(timeIntervalSince1970: 1_795_176_000)
        if let time = event.timestamp {
            if EventTime.problem(time) != nil { return }
            _ = EventTime.wholeSeconds(time)
            _ = UTCTimestamp.iso8601(seconds: time)
            _ = UTCTimestamp.iso8601(milliseconds: Int64((time * 1000 + 0.001).rounded(.down)))
        }
        let sensor = EventNormaliser.sensorName(event, source: SourceSettings(path: "/var/log/fuzz"), path: "/var/log/fuzz")
        let assignment = normaliser.directory.assign(sourceCustomer: nil, sensor: sensor, source: event.sourceIP,
                                                     destination: event.destinationIP)
        switch event.kind {
        case .detection:
            _ = normaliser.detection(from: event, assignment: assignment, sensor: sensor, format: format, path: "/var/log/fuzz",
                                     offset: 0, raw: line, now: now)
        case .context(let kind):
            if let endpoint = assignment.endpoint {
                _ = EventNormaliser.contextSample(event, kind: kind, endpoint: endpoint,
                                                  time: event.timestamp.map { Date(timeIntervalSince1970: $0) } ?? now)
            }
        case .health:
            _ = event.packets.map { Int64(clamping: $0) }
            _ = event.drops.map { Int64(clamping: $0) }
        }
    }

    // MARK: Mutating

    /// Tokens that have broken parsers before, or sit on a boundary.
    private static let tokens: [[UInt8]] = [
        "1e300", "-1e300", "1e19", "-1e19", "9999999999999999999999", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "NaN", "Infinity", "-0", "0x7fffffff", "4294967296", "65536", "-1",
        "1.7976931348623157e308", "4.9e-324", "253402300799.999999", "-62135596800", "9999-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00Z", "2026-02-30T25:61:61+99:99", "\\u0000", "\\ud800", "\\udfff\\ud800", "\\x", "\\xZZ", "\\",
        "\"", "{", "}", "[", "]", ":", ",", "|", "=", "\\=", "\\|", "#", "\t", "<", ">", "<192>", "<99999>", "<>",
        "CEF:0|", "CEF:1|a|b|c|d|e|f|", "#separator \\x09", "#fields\tts\tuid", "#set_separator\t", "#unset_field\t",
        "#empty_field\t", "(empty)", "-", "::", "::ffff:1.2.3.4", "fe80::1%eth0", "255.255.255.256", "10.0.0.1/33",
        "\u{FEFF}", "\u{0}", "\r", "\n", " ", "Feb 29 ", "Dec 31 9999 23:59:59.999999 UTC", "rt=", "start=", "end=",
        "\"timestamp\":", "\"ts\":", "\"event_type\":\"alert\"", "\"alert\":{", "\"flow\":{", "\"stats\":{",
    ].map { Array($0.utf8) }

    private static let interestingBytes: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x23, 0x2C, 0x2D, 0x2E, 0x30,
                                                     0x39, 0x3A, 0x3C, 0x3D, 0x3E, 0x5B, 0x5C, 0x5D, 0x7B, 0x7C, 0x7D, 0x7F,
                                                     0x80, 0xBF, 0xC0, 0xED, 0xEF, 0xF4, 0xF5, 0xFE, 0xFF]

    private mutating func mutate(into input: inout [UInt8]) {
        input = seeds[random.below(seeds.count)]
        for _ in 0...random.below(4) {
            let n = input.count
            switch random.below(10) {
            case 0 where n > 0: // flip a bit
                input[random.below(n)] ^= UInt8(1 << random.below(8))
            case 1 where n > 0: // an interesting byte
                input[random.below(n)] = Self.interestingBytes[random.below(Self.interestingBytes.count)]
            case 2: // insert a token
                input.insert(contentsOf: Self.tokens[random.below(Self.tokens.count)], at: random.below(n + 1))
            case 3 where n > 0: // replace a number-like run with a token
                let at = random.below(n)
                var end = at
                while end < n, end - at < 24, (0x30...0x39).contains(input[end]) || input[end] == 0x2E || input[end] == 0x2D { end += 1 }
                input.replaceSubrange(at..<max(end, min(n, at + 1)), with: Self.tokens[random.below(Self.tokens.count)])
            case 4 where n > 1: // delete a range
                let at = random.below(n)
                input.removeSubrange(at..<min(n, at + 1 + random.below(32)))
            case 5 where n > 1: // repeat a range
                let at = random.below(n)
                let range = at..<min(n, at + 1 + random.below(64))
                let copies = 1 + random.below(random.below(2) == 0 ? 4 : 200)
                input.insert(contentsOf: Array(repeating: Array(input[range]), count: copies).joined(), at: range.upperBound)
            case 6: // splice with another seed
                let other = seeds[random.below(seeds.count)]
                let cut = random.below(n + 1)
                input = Array(input[..<cut]) + Array(other[random.below(other.count + 1)...])
            case 7 where n > 0: // truncate
                input.removeSubrange(random.below(n)...)
            case 8: // random bytes
                let count = 1 + random.below(16)
                let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                input.insert(contentsOf: bytes, at: random.below(n + 1))
            default: // a digit run grown long
                input.insert(contentsOf: Array(repeating: UInt8(ascii: "9"), count: 1 + random.below(40)), at: random.below(n + 1))
            }
        }
        if input.count > Self.maxInputBytes { input.removeSubrange(Self.maxInputBytes...) }
    }
}

/// SplitMix64: small, fast and reproducible.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform enough in 0..<bound (bound > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

// MARK: - Trap recording

// Read by the signal handler, which may use only async-signal-safe calls: a file opened
// beforehand and a buffer holding the input under test.
nonisolated(unsafe) private var trapFile: Int32 = -1
nonisolated(unsafe) private var trapBuffer: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var trapLength = 0

private func recordTrap(_ signal: Int32) {
    if trapFile >= 0, let buffer = trapBuffer {
        _ = write(trapFile, buffer, trapLength)
        _ = fsync(trapFile)
    }
    let message = "\nfuzz: an input trapped; it is in the crash file\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

/// Keeps the input under test where the trap handler writes it to `path`; the file is
/// removed when the run ends without a trap. One run at a time per process (the handler's
/// state is global): a second waits for the first to finish.
final class TrapRecorder {
    private let path: String
    private static let trapSignals = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT]
    private static let oneAtATime = NSLock()

    init(path: String) {
        self.path = path
        Self.oneAtATime.lock()
        trapBuffer = .allocate(capacity: ParserFuzzer.maxInputBytes)
        trapLength = 0
        trapFile = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        for signal in Self.trapSignals { Glibc.signal(signal, recordTrap) }
    }

    func hold(_ input: [UInt8]) {
        guard let buffer = trapBuffer else { return }
        let count = min(input.count, ParserFuzzer.maxInputBytes)
        input.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: count) }
        }
        trapLength = count
    }

    func finish() {
        for signal in Self.trapSignals { Glibc.signal(signal, SIG_DFL) }
        if trapFile >= 0 { close(trapFile) }
        trapFile = -1
        unlink(path)
        trapBuffer?.deallocate()
        trapBuffer = nil
        Self.oneAtATime.unlock()
    }
}
