import Foundation
import GRDB
import TobanCore

/// WHERE terms shared by the incident and notification lists.
func listConditions(customers: Set<String>, states: [String], urgencies: ClosedRange<Urgency>?, stateColumn: String,
                    before id: Int64?) -> (String, StatementArguments) {
    var terms: [String] = []
    var args: [any DatabaseValueConvertible] = []
    if !customers.isEmpty {
        let sorted = customers.sorted()
        terms.append("customer_id IN (\([String].marks(sorted.count)))")
        args += sorted as [any DatabaseValueConvertible]
    }
    if !states.isEmpty {
        terms.append("\(stateColumn) IN (\([String].marks(states.count)))")
        args += states.sorted() as [any DatabaseValueConvertible]
    }
    if let urgencies {
        terms.append("urgency BETWEEN ? AND ?")
        args += [urgencies.lowerBound.rawValue, urgencies.upperBound.rawValue]
    }
    if let id {
        terms.append("id < ?")
        args.append(id)
    }
    return (terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND "), StatementArguments(args))
}
