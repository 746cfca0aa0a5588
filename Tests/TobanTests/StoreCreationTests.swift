import Foundation
import Testing
import TobanTestSupport

/// Processes that open a store that does not exist yet, at the same moment (an ingest and
/// consoles or scripts started together), all get the one schema: none fails half-way
/// through creating it.
@Suite struct StoreCreationTests {
    @Test func processesCreatingOneStoreAtOnceAllSucceed() throws {
        for round in 0..<3 {
            let scratch = TemporaryDirectory()
            let log = scratch.file("eve.json")
            try "".write(toFile: log, atomically: true, encoding: .utf8)
            let store = scratch.file("new-\(round).sqlite")
            // One ingest (the only writer a store takes) and five readers that open the store as it is created.
            let pids = try (0..<6).map { i in
                try TobanBinary.start(i == 0 ? ["ingest", "--once", "--store", store, log] : ["outbox", "--json", "--store", store],
                                      in: scratch.url, stderrPath: scratch.file("err-\(i)"))
            }
            for (i, pid) in pids.enumerated() {
                let errors = { String(decoding: FileManager.default.contents(atPath: scratch.file("err-\(i)")) ?? Data(), as: UTF8.self) }
                #expect(Spawn.wait(pid) == 0, "round \(round), process \(i): \(errors())")
            }
            let query = try TobanBinary.run(["query", "detections", "--store", store, "--json"], in: scratch.url)
            #expect(query.status == 0, "\(query.stderr)")
        }
    }
}
