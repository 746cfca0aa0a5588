import TobanCore

/// A context bucket's counts are one INTEGER column per `ContextKind`, named after it, so
/// a batch adds to them in place (`dns = dns + excluded.dns`) without reading them back.
enum ContextColumns {
    static let kinds = ContextKind.allCases
    static let kindIndex: [ContextKind: Int] = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })

    /// `dns, http, …` in `ContextKind.allCases` order.
    static let names = kinds.map(\.rawValue).joined(separator: ", ")

    /// Column definitions, each followed by a comma (the table's key comes after them).
    static let definitions = kinds.map { "\($0.rawValue) INTEGER NOT NULL DEFAULT 0," }.joined(separator: " ")

    /// `dns = dns + excluded.dns, …` for an upsert.
    static let addExcluded = kinds.map { "\($0.rawValue) = \($0.rawValue) + excluded.\($0.rawValue)" }.joined(separator: ", ")

    /// The counts of a v1 JSON object column (`{"dns":3}`), for the migration.
    static func fromJSON(_ column: String) -> String {
        kinds.map { "coalesce(json_extract(\(column), '$.\($0.rawValue)'), 0)" }.joined(separator: ", ")
    }
}
