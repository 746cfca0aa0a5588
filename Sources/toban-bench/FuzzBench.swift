#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanIngest

/// `toban-bench fuzz [--minutes 30] [--seed N] [--crash-file PATH] [DIR…]`: runs the parser
/// fuzzer (`ParserFuzzer`) for the given time, seeded from the lines of the files under the
/// directories (default: sample-logs and, when present, ../shared/corpus, read in place).
/// Prints progress every minute and a summary with the number of inputs; exits 0 when no
/// input trapped. A trap ends the process and leaves the input in the crash file.
enum FuzzBench {
    static func main(_ arguments: [String]) -> Int32 {
        var minutes = 1.0
        var seed = UInt64(Date().timeIntervalSince1970 * 1000)
        var crashFile = "fuzz-crash.bin"
        var directories: [String] = []
        var args = arguments[...]
        while let arg = args.popFirst() {
            switch arg {
            case "--minutes":
                guard let value = args.popFirst().flatMap(Double.init), value > 0 else { return usage() }
                minutes = value
            case "--seed":
                guard let value = args.popFirst().flatMap({ UInt64($0) }) else { return usage() }
                seed = value
            case "--crash-file":
                guard let value = args.popFirst() else { return usage() }
                crashFile = value
            default:
                if arg.hasPrefix("-") { return usage() }
                directories.append(arg)
            }
        }
        if directories.isEmpty {
            directories = ["sample-logs", "../shared/corpus"].filter { FileManager.default.fileExists(atPath: $0) }
        }
        let seeds = ParserFuzzer.seedLines(from: directories)
        guard !seeds.isEmpty else {
            print("fuzz: no seed lines under \(directories.joined(separator: ", ")) (run from the package root or name directories)")
            return 2
        }
        print("fuzz: \(seeds.count) seed lines from \(directories.joined(separator: ", ")), \(minutes) min, random seed \(seed), "
              + "crash file \(crashFile)")
        fflush(nil)
        var fuzzer = ParserFuzzer(seeds: seeds, randomSeed: seed)
        let report = fuzzer.run(for: .milliseconds(Int64(minutes * 60_000)), clock: BenchClock(startingAt: Date()),
                                crashFile: crashFile) { progress in
            print(progress)
            fflush(nil)
        }
        print(report)
        return 0
    }

    static func usage() -> Int32 {
        print("usage: toban-bench fuzz [--minutes 30] [--seed N] [--crash-file PATH] [DIR…]")
        return 2
    }
}
