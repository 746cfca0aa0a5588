/// A vendor's severity mapped onto one scale, so Suricata priorities, CEF 0–10 and
/// Zeek notices can be compared. The vendor's own value is kept beside it on the detection.
public enum Severity: Int, Codable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case critical = 1, high, medium, low, informational

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue > b.rawValue } // critical is "greatest"

    public var description: String {
        switch self {
        case .critical: return "critical"
        case .high: return "high"
        case .medium: return "medium"
        case .low: return "low"
        case .informational: return "informational"
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "critical", "very-high", "veryhigh", "very high": self = .critical
        case "high", "major": self = .high
        case "medium", "moderate", "minor": self = .medium
        case "low": self = .low
        case "informational", "info", "unknown", "none": self = .informational
        default: return nil
        }
    }

    /// Suricata/Snort priority: 1 is the most severe; 4 and above are informational.
    public static func fromSuricata(priority: Int) -> Severity {
        switch priority {
        case ...1: return .high
        case 2: return .medium
        case 3: return .low
        default: return .informational
        }
    }

    /// ArcSight CEF 0–10 (0–3 low, 4–6 medium, 7–8 high, 9–10 very high).
    public static func fromCEF(score: Int) -> Severity {
        switch score {
        case ...0: return .informational
        case 1...3: return .low
        case 4...6: return .medium
        case 7...8: return .high
        default: return .critical
        }
    }
}
