import GRDB
import TobanCore

/// A detection's aggregation key (customer, sensor, signature, source, destination) as a
/// 64-bit FNV-1a hash: what the fold index holds. Stable across processes and versions
/// (Swift's `Hasher` is seeded per process, so it cannot be stored). Collisions are
/// harmless: the writer compares the stored key text before folding into a row.
enum AggregationHash {
    static func of(_ key: String) -> Int64 {
        var hash = FNV1a()
        hash.add(key)
        return Int64(bitPattern: hash.value)
    }

    /// `toban_aggregation_hash(key)`, for backfilling rows written before the hash column.
    static let sqlFunction = DatabaseFunction("toban_aggregation_hash", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(of)
    }
}
