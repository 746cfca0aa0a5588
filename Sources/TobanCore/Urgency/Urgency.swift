/// How fast a detection needs a human: P1 (緊急, notified at once, ★★★) to P5 (情報).
public enum Urgency: Int, Codable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case p1 = 1, p2, p3, p4, p5

    /// P1 is the most urgent, so it sorts first.
    public static func < (a: Urgency, b: Urgency) -> Bool { a.rawValue < b.rawValue }

    public var description: String { label }
    /// "P1" … "P5", without formatting anything.
    public var label: String {
        switch self {
        case .p1: return "P1"
        case .p2: return "P2"
        case .p3: return "P3"
        case .p4: return "P4"
        case .p5: return "P5"
        }
    }

    public init?(label: String) {
        let t = label.trimmingSpaces.uppercased()
        guard t.count == 2, t.first == "P", let n = Int(String(t.last!)), let u = Urgency(rawValue: n) else { return nil }
        self = u
    }

    public var japaneseName: String {
        switch self {
        case .p1: return "緊急"
        case .p2: return "高"
        case .p3: return "中"
        case .p4: return "低"
        case .p5: return "情報"
        }
    }

    public var englishName: String {
        switch self {
        case .p1: return "critical"
        case .p2: return "high"
        case .p3: return "medium"
        case .p4: return "low"
        case .p5: return "info"
        }
    }

    /// The mark used in mail subjects and the queue: ★★★ for P1, then fewer stars.
    public var stars: String {
        switch self {
        case .p1: return "★★★"
        case .p2: return "★★"
        case .p3: return "★"
        case .p4, .p5: return ""
        }
    }

    /// One step more urgent (P3 → P2), never past P1.
    public func raised(by steps: Int) -> Urgency {
        Urgency(rawValue: Swift.max(1, Swift.min(5, rawValue - steps)))!
    }
}
