import Foundation
import Testing
import TobanTestSupport

/// The real binary and store: a Zeek TSV log resumed after a clean restart stays Zeek TSV
/// (its format is kept with its checkpoint in the store, its headers read again).
@Suite struct IngestFormatResumeTests {
    static let header = zeekNoticeHeader

    static func notices(_ range: Range<Int>) -> String {
        range.map { "\(1_795_176_700 + $0).000000\tC\($0)\t192.0.2.\($0 + 1)\t\(40000 + $0)\t10.1.0.20\t22\ttcp\tSSH::Password_Guessing\tguess \($0)\n" }
            .joined()
    }

    @Test func aZeekTSVLogResumedAfterARestartKeepsItsDetections() throws {
        let scratch = TemporaryDirectory()
        let log = scratch.file("notice.log")
        try (Self.header + Self.notices(0..<10)).write(toFile: log, atomically: false, encoding: .utf8)
        let args = ["ingest", "--once", log, "--store", scratch.storePath]
        let first = try TobanBinary.run(args, in: scratch.url)
        #expect(first.status == 0, "\(first.stderr)")

        let handle = try #require(FileHandle(forWritingAtPath: log))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(Self.notices(10..<25).utf8))
        try handle.close()
        let second = try TobanBinary.run(args, in: scratch.url)
        #expect(second.status == 0, "\(second.stderr)")

        let query = try TobanBinary.run(["query", "detections", "--store", scratch.storePath, "--json", "--limit", "1000"], in: scratch.url)
        #expect(query.status == 0, "\(query.stderr)")
        #expect(query.lines.count == 25)
    }
}
