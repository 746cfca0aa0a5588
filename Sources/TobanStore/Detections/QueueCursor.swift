import Foundation
import GRDB
import TobanCore

/// A position in the queue order (urgency ASC, last_seen DESC, id DESC): the last row of a
/// page. Pages continue strictly after (or before) it; rows are never skipped or repeated
/// while the order keys of other rows change.
public struct QueueCursor: Sendable, Equatable, Hashable {
    public var urgency: Urgency
    public var lastSeen: Date
    public var id: Int64

    public init(urgency: Urgency, lastSeen: Date, id: Int64) {
        self.urgency = urgency
        self.lastSeen = lastSeen
        self.id = id
    }

    public init(_ detection: Detection) {
        self.init(urgency: detection.urgency, lastSeen: detection.lastSeen, id: detection.id)
    }

    /// True when `a` comes before `b` in the queue order.
    static func displayOrder(_ a: QueueCursor, _ b: QueueCursor) -> Bool {
        if a.urgency != b.urgency { return a.urgency < b.urgency }
        if a.lastSeen != b.lastSeen { return a.lastSeen > b.lastSeen }
        return a.id > b.id
    }
}

/// Keyset pagination over a three-column order (a ASC|DESC, b DESC|ASC, c DESC|ASC) without
/// OFFSET. SQLite cannot seek an index with a mixed-direction row-value comparison, so a
/// page after cursor (a₀, b₀, c₀) is read as up to three index seeks, in order:
///   a = a₀ AND b = b₀ AND c beyond c₀;  a = a₀ AND b beyond b₀;  a beyond a₀.
/// Each is a SEARCH on the index in index order (no temp b-tree), stopped at `limit`.
struct Keyset {
    struct Column {
        var name: String
        /// True when the page order is descending on this column.
        var descending: Bool
    }

    var table: String
    var index: String
    var selectColumns: String
    var columns: [Column]
    /// When set (ascending, within the bounds), the leading column is read one value at a
    /// time (`lead = v`) instead of as a range: the second column then seeks too, so a range
    /// filter on it (`last_seen >= ?`, "age:<1h") is an index range per value, not a filter
    /// over every row of the range. For a leading column with few values (urgency 1–5).
    var leadValues: [Int]? = nil

    typealias Bounds = (low: any DatabaseValueConvertible, high: any DatabaseValueConvertible)

    /// The statements (SQL ending in `LIMIT ?`, arguments without the limit) for the page
    /// after (or, `backward`, before) `cursor`. `bounds` always constrain the leading column,
    /// which keeps even the first page an index SEARCH. Backward results come in reverse
    /// display order.
    func pageQueries(cursor: [any DatabaseValueConvertible]?, backward: Bool, filter: [String],
                     filterArguments: [any DatabaseValueConvertible], bounds: Bounds) -> [(String, [any DatabaseValueConvertible])] {
        func order(from start: Int) -> String {
            columns[start...].map { c in "\(c.name) \((c.descending != backward) ? "DESC" : "ASC")" }.joined(separator: ", ")
        }
        func statement(_ extra: [String], _ extraArgs: [any DatabaseValueConvertible], orderFrom: Int) -> (String, [any DatabaseValueConvertible]) {
            let lead = columns[0].name
            // With the leading column fixed (`lead = ?`) the bounds are redundant, and the
            // planner may prefer their range to the equality and then sort: leave them out.
            let fixed = orderFrom > 0
            // Likewise, with the second column fixed too (`b = b₀`), a filter range on it
            // ("last_seen >= ?") is true or false for the whole statement; unary plus keeps the
            // planner from seeking that range instead of the equality (and then sorting).
            let second = columns.count > 1 ? columns[1].name + " " : nil
            let filterTerms = orderFrom >= 2 ? filter.map { t in second.map { t.hasPrefix($0) } == true ? "+" + t : t } : filter
            let terms = filterTerms + (fixed ? [] : ["\(lead) >= ?", "\(lead) <= ?"]) + extra
            let args = filterArguments + (fixed ? [] : [bounds.low, bounds.high]) + extraArgs
            let sql = "SELECT \(selectColumns) FROM \(table) INDEXED BY \(index) WHERE \(terms.joined(separator: " AND ")) ORDER BY \(order(from: orderFrom)) LIMIT ?"
            return (sql, args)
        }
        let lead = columns[0]
        /// One statement per leading value beyond `after` (all of them when nil), in page order.
        func perLeadValue(after: Int?, values: [Int]) -> [(String, [any DatabaseValueConvertible])] {
            let ascending = lead.descending == backward
            let beyond = values.filter { v in after.map { ascending ? v > $0 : v < $0 } ?? true }
            return (ascending ? beyond : beyond.reversed()).map { statement(["\(lead.name) = ?"], [$0], orderFrom: 1) }
        }
        guard let cursor else {
            if let leadValues { return perLeadValue(after: nil, values: leadValues) }
            return [statement([], [], orderFrom: 0)]
        }
        var out: [(String, [any DatabaseValueConvertible])] = []
        for level in stride(from: columns.count - 1, through: 0, by: -1) {
            if level == 0, let leadValues, let a0 = cursor[0] as? Int {
                out += perLeadValue(after: a0, values: leadValues)
                break
            }
            var terms: [String] = []
            var args: [any DatabaseValueConvertible] = []
            for i in 0..<level {
                terms.append("\(columns[i].name) = ?")
                args.append(cursor[i])
            }
            terms.append("\(columns[level].name) \((columns[level].descending != backward) ? "<" : ">") ?")
            args.append(cursor[level])
            out.append(statement(terms, args, orderFrom: level))
        }
        return out
    }

    /// Runs the page statements (in the caller's read transaction) until `limit` rows are collected.
    func fetch(_ db: Database, cursor: [any DatabaseValueConvertible]?, backward: Bool, filter: [String],
               filterArguments: [any DatabaseValueConvertible], bounds: Bounds, limit: Int) throws -> [Row] {
        guard limit > 0 else { return [] }
        var rows: [Row] = []
        for (sql, args) in pageQueries(cursor: cursor, backward: backward, filter: filter, filterArguments: filterArguments, bounds: bounds) {
            let remaining = limit - rows.count
            if remaining <= 0 { break }
            rows += try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(args + [remaining]))
        }
        return backward ? rows.reversed() : rows
    }
}
