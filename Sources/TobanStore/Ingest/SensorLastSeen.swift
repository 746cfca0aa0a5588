import Foundation
import GRDB
import TobanCore

extension TobanStore {
    /// When each sensor was last heard from — any event or a heartbeat (`stats` count: a
    /// quiet network is not a silent sensor) — for monitoring gaps.
    public func sensorLastSeen() throws -> [String: Date] {
        try read { db in
            var out: [String: Date] = [:]
            let sql = """
                SELECT name, MAX(COALESCE(last_event_at, 0), COALESCE(last_heartbeat_at, 0)) AS seen FROM sensors
                WHERE last_event_at IS NOT NULL OR last_heartbeat_at IS NOT NULL
                """
            for row in try Row.fetchAll(db, sql: sql) {
                let name: String = row["name"]
                let at = Date(storeMilliseconds: row["seen"])
                out[name] = max(out[name] ?? at, at)
            }
            return out
        }
    }
}
