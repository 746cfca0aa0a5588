/// A map from strings (sensor and customer names) to values for keys that come back line
/// after line: the last few are searched in a short list before the dictionary. Comparing a
/// short name costs a few instructions; hashing it for a dictionary cost ~500 per lookup.
struct RecentStrings<Value>: Sendable where Value: Sendable {
    private var all: [String: Value] = [:]
    private var recent: [(key: String, value: Value)] = []
    /// Names searched before the dictionary; lines of a file come from a few sensors.
    static var recentLimit: Int { 16 }

    var count: Int { all.count }

    /// The value of `key`, else `make(count)` (the number of keys before it) stored as its value.
    mutating func value(for key: String, else make: (Int) -> Value) -> Value {
        for entry in recent where entry.key == key { return entry.value }
        let value: Value
        if let known = all[key] {
            value = known
        } else {
            value = make(all.count)
            all[key] = value
        }
        if recent.count == Self.recentLimit { recent.removeFirst() }
        recent.append((key, value))
        return value
    }
}
