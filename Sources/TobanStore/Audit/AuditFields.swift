import Foundation
import GRDB

/// The changed columns of one audited row, before or after a change: column name → text,
/// integer or null. Stored as compact key-sorted JSON in `audit.before` / `audit.after`.
struct AuditFields: Equatable {
    var values: [String: DatabaseValue]

    init(_ values: [String: DatabaseValue]) { self.values = values }

    init(_ pairs: KeyValuePairs<String, (any DatabaseValueConvertible)?>) {
        var values: [String: DatabaseValue] = [:]
        for (k, v) in pairs { values[k] = v?.databaseValue ?? .null }
        self.values = values
    }

    var json: String {
        var object: [String: Any] = [:]
        for (k, v) in values {
            switch v.storage {
            case .null: object[k] = NSNull()
            case .int64(let i): object[k] = i
            case .double(let d): object[k] = d
            case .string(let s): object[k] = s
            case .blob: object[k] = NSNull()
            }
        }
        return JSONText.encode(object)
    }

    init?(json: String?) {
        guard let object = JSONText.decode(json) as? [String: Any] else { return nil }
        var values: [String: DatabaseValue] = [:]
        for (k, v) in object {
            switch v {
            case let s as String: values[k] = s.databaseValue
            case let n as NSNumber:
                let d = n.doubleValue
                values[k] = d.rounded() == d && abs(d) < 9e15 ? n.int64Value.databaseValue : d.databaseValue
            default: values[k] = .null
            }
        }
        self.values = values
    }

    static func text(_ value: DatabaseValue?) -> String {
        guard let value else { return "missing" }
        switch value.storage {
        case .null: return "null"
        case .int64(let i): return "\(i)"
        case .double(let d): return "\(d)"
        case .string(let s): return s
        case .blob: return "blob"
        }
    }
}
