/// Splitting value lists for SQL `IN (…)` clauses, and their placeholders (and VALUES lists').
extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }

    /// Chunks of at most `size` for an `IN (…)` list, each padded (by repeating its last
    /// element, which changes nothing in an IN list) to one of a few lengths, so that a
    /// statement per length is prepared once and cached instead of once per chunk.
    func paddedChunks(_ size: Int = 500) -> [[Element]] {
        chunked(size).map { chunk in
            let target = Self.inListLengths.first { $0 >= chunk.count } ?? chunk.count
            return Array(chunk) + Array(repeating: chunk.last!, count: target - chunk.count)
        }
    }

    static var inListLengths: [Int] { [1, 4, 16, 64, 200, 500] }

    /// `?,?,…` for an IN list of `count` values.
    static func marks(_ count: Int) -> String {
        [String](repeating: "?", count: count).joined(separator: ",")
    }

    /// `(?,…),(?,…),…` for a VALUES list of `rows` rows of `width` values.
    static func tuples(_ rows: Int, width: Int) -> String {
        [String](repeating: "(" + marks(width) + ")", count: rows).joined(separator: ",")
    }
}
