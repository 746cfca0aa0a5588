import TobanCore

/// A context bucket's counts are one INTEGER column per `ContextKind`, named after it, so
/// a batch adds to them in place (`dns = dns + excluded.dns`) without reading them back.
enum ContextColumns {
    static let kinds = ContextKind.allCases

    /// `dns, http, …` in `ContextKind.allCases` order.
    static let names = kinds.map(\.rawValue).joined(separator: ", ")

    /// `dns = dns + excluded.dns, …` for an upsert.
    static let addExcluded = kinds.map { "\($0.rawValue) = \($0.rawValue) + excluded.\($0.rawValue)" }.joined(separator: ", ")
}
