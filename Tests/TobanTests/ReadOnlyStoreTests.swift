#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TobanCore
import TobanStore
import TobanTestSupport

/// Readers need no write access: `toban query` reads a store that is read-only, or sits in
/// a read-only directory (a copy handed over for an investigation, a read-only mount).
@Suite struct ReadOnlyStoreTests {
    /// Root ignores file modes, so as root the reader runs as `nobody`.
    static let unprivileged: [String]? = {
        guard getuid() == 0 else { return [] }
        let setpriv = "/usr/bin/setpriv"
        return FileManager.default.isExecutableFile(atPath: setpriv) ? [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] : nil
    }()

    enum Lock: String, CaseIterable { case file, directory, both }

    @Test(.enabled(if: unprivileged != nil, "needs a non-root user, or setpriv to become one"), arguments: Lock.allCases)
    func queryReadsAReadOnlyStore(lock: Lock) throws {
        let (dir, store) = try QueryCommandTests.seeded()
        try store.close()
        // Readable by anyone, writable by nobody.
        let directoryMode: mode_t = lock == .file ? 0o777 : 0o555
        #expect(chmod(dir.storePath, lock == .directory ? 0o666 : 0o444) == 0)
        #expect(chmod(dir.path, directoryMode) == 0)
        defer { chmod(dir.path, 0o755) }
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.storePath))

        var environment = ProcessInfo.processInfo.environment
        environment["TOBAN_CONFIG"] = nil
        environment["TOBAN_STORE"] = nil
        environment["HOME"] = "/"
        environment["XDG_CONFIG_HOME"] = "/nonexistent"
        let result = try Spawn.run(Self.unprivileged! + [TobanBinary.url.path, "query", "detections", "--store", dir.storePath, "--json"],
                                   environment: environment, currentDirectory: "/")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 4)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.storePath)) == before)
    }

    /// In-process: a read-only store refuses writes and reads what is there.
    @Test func aStoreOpenedForReadingCannotWrite() throws {
        let (dir, store) = try QueryCommandTests.seeded()
        let written = try store.detections(DetectionFilter())
        try store.close()
        let reader = try TobanStore(readingAt: dir.storePath)
        defer { try? reader.close() }
        #expect(try reader.detections(DetectionFilter()) == written)
        #expect(!written.isEmpty)
        #expect(throws: (any Error).self) { try reader.commit(IngestBatch(detections: [makeDetection(at: QueryCommandTests.t0)]), customers: [], now: QueryCommandTests.t0) }
    }
}
