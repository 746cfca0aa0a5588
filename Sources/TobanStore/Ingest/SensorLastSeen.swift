import Foundation
import GRDB
import TobanCore

extension TobanStore {
    /// When each sensor was last heard from (the time ingest recorded), for monitoring gaps.
    public func sensorLastSeen() throws -> [String: Date] {
        try read { db in
            var out: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, last_event_at FROM sensors WHERE last_event_at IS NOT NULL") {
                let name: String = row["name"]
                let at = Date(storeMilliseconds: row["last_event_at"])
                out[name] = max(out[name] ?? at, at)
            }
            return out
        }
    }
}
