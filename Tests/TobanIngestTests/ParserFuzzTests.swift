import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// A bounded run of the parser fuzzer (`toban-bench fuzz --minutes 30` runs it long):
/// mutated sample and corpus lines through every parser and the pipeline's conversions.
/// A trap ends the test process; the input is left in the crash file it names.
@Suite struct ParserFuzzTests {
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/", !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    @Test func mutatedLinesTrapNoParser() throws {
        var directories = [Self.packageRoot.appendingPathComponent("sample-logs").path]
        if let corpusRoot { directories.append(corpusRoot.path) } // read in place, never copied
        let seeds = ParserFuzzer.seedLines(from: directories)
        #expect(seeds.count > 10)
        let scratch = TemporaryDirectory(prefix: "toban-fuzz")
        let crashFile = scratch.file("crash.bin")
        var fuzzer = ParserFuzzer(seeds: seeds, randomSeed: 0x16)
        // Bounded by inputs, not time: the same inputs on every machine (about 2 s in a debug build).
        let report = fuzzer.run(for: .seconds(3600), clock: ManualClock(), maxIterations: 20_000, crashFile: crashFile)
        print(report)
        #expect(report.iterations == 20_000)
        #expect(report.events > 0 && report.invalid > 0)
        // No trap: the file that would hold the trapping input is gone.
        #expect(!FileManager.default.fileExists(atPath: crashFile))
    }

    /// The same seeds and random seed give the same inputs (a run can be replayed).
    @Test func runsAreReproducible() {
        let seeds = [Array(#"{"timestamp":"2026-11-20T21:00:00+0900","event_type":"alert"}"#.utf8), Array("<34>Nov 20 21:00:00 h p: m".utf8)]
        let scratch = TemporaryDirectory(prefix: "toban-fuzz")
        var a = ParserFuzzer(seeds: seeds, randomSeed: 7), b = ParserFuzzer(seeds: seeds, randomSeed: 7)
        let first = a.run(for: .seconds(3600), clock: ManualClock(), maxIterations: 2_000, crashFile: scratch.file("a.bin"))
        let second = b.run(for: .seconds(3600), clock: ManualClock(), maxIterations: 2_000, crashFile: scratch.file("b.bin"))
        #expect(first.iterations == 2_000)
        #expect((first.events, first.invalid, first.skipped) == (second.events, second.invalid, second.skipped))
    }
}
