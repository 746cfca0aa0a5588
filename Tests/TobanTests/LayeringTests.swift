import Foundation
import Testing
import TobanTestSupport

/// The architecture's rules that the compiler cannot check. (Which module may import
/// which is checked by the build: `.ci/run` builds with SwiftPM's explicit import check.)
@Suite struct LayeringTests {
    /// The library modules: below the executable, where time must come from `TobanClock`.
    static let libraries = ["TobanCore", "TobanIngest", "TobanStore", "TobanNotify", "TobanConsole"]

    /// Ways Swift code reads the system's time or sleeps on it. A library doing either
    /// cannot be run through a simulated day by a test's manual clock.
    static let clockReads = [
        "Date()", "Date.now", "Date.init", "Date(timeIntervalSinceNow", "timeIntervalSinceNow",
        "ContinuousClock", "SuspendingClock", "DispatchTime", "DispatchWallTime", ".now()",
        "time(nil)", "clock_gettime", "gettimeofday", "CFAbsoluteTimeGetCurrent", "systemUptime",
        "Task.sleep", "Thread.sleep", "usleep(", "nanosleep", "asyncAfter", "wait(until:",
    ]

    /// Lines of `source` (comments left out) that read the system clock, as "line: text".
    static func clockReading(in source: String) -> [String] {
        source.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let code = line.range(of: "//").map { line[..<$0.lowerBound] } ?? line[...]
            return clockReads.contains { code.contains($0) } ? "\(number + 1): \(line.trimmingCharacters(in: .whitespaces))" : nil
        }
    }

    @Test func theScannerFindsClockReadsAndIgnoresComments() {
        #expect(Self.clockReading(in: "let a = 1\nlet t = Date()\n// Date() in a comment\nx.wait(until: d)") == ["2: let t = Date()", "4: x.wait(until: d)"])
        #expect(Self.clockReading(in: "let t = clock.now").isEmpty)
    }

    @Test func noLibraryModuleReadsTheSystemClock() throws {
        let sources = TobanBinary.packageRoot.appendingPathComponent("Sources")
        var found: [String] = []
        var files = 0
        for module in Self.libraries {
            let root = sources.appendingPathComponent(module)
            let walker = try #require(FileManager.default.enumerator(atPath: root.path), "no \(module) sources")
            for case let path as String in walker where path.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOfFile: root.appendingPathComponent(path).path, encoding: .utf8)
                found += Self.clockReading(in: text).map { "\(module)/\(path):\($0)" }
            }
        }
        #expect(files > 100, "the scan read \(files) files")
        #expect(found.isEmpty, "library code reads the system clock (use the injected TobanClock):\n\(found.joined(separator: "\n"))")
    }
}
