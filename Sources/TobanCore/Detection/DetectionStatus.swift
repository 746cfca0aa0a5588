/// Where a detection is in an analyst's hands.
/// new → acknowledged → in triage → escalated | closed (with a disposition).
/// Steps may be skipped forward (a one-key disposition closes a new detection),
/// never taken backward except by undo, which restores the recorded previous state.
public enum DetectionStatus: String, Codable, Sendable, CaseIterable {
    case new
    case acknowledged
    case inTriage = "in_triage"
    case escalated
    case closed

    var rank: Int {
        switch self {
        case .new: return 0
        case .acknowledged: return 1
        case .inTriage: return 2
        case .escalated: return 3
        case .closed: return 3
        }
    }

    public func canMove(to next: DetectionStatus) -> Bool {
        switch (self, next) {
        case (.closed, _): return false
        case (.escalated, .closed): return true   // an escalated detection is closed when its incident is
        case (.escalated, _): return false
        default: return next.rank > rank
        }
    }

    public var isOpen: Bool { self != .closed }
}

/// Sguil's dispositions (F1–F7 categories, F8 no action), plus false positive, which the
/// service terms call out: analysts confirm before notifying because false positives happen.
public enum Disposition: String, Codable, Sendable, CaseIterable {
    case unauthorizedAdminAccess = "cat1"
    case unauthorizedUserAccess = "cat2"
    case attemptedAccess = "cat3"
    case denialOfService = "cat4"
    case policyViolation = "cat5"
    case reconnaissance = "cat6"
    case malware = "cat7"
    case noAction = "no_action"
    case falsePositive = "false_positive"

    /// The F-key category number (1–7), nil for the others.
    public var category: Int? {
        switch self {
        case .unauthorizedAdminAccess: return 1
        case .unauthorizedUserAccess: return 2
        case .attemptedAccess: return 3
        case .denialOfService: return 4
        case .policyViolation: return 5
        case .reconnaissance: return 6
        case .malware: return 7
        case .noAction, .falsePositive: return nil
        }
    }

    public init?(category: Int) {
        guard let d = Disposition.allCases.first(where: { $0.category == category }) else { return nil }
        self = d
    }

    public var label: String {
        switch self {
        case .unauthorizedAdminAccess: return "Cat I: unauthorized admin/root access"
        case .unauthorizedUserAccess: return "Cat II: unauthorized user access"
        case .attemptedAccess: return "Cat III: attempted unauthorized access"
        case .denialOfService: return "Cat IV: denial of service"
        case .policyViolation: return "Cat V: poor security practice / policy violation"
        case .reconnaissance: return "Cat VI: reconnaissance / probes / scans"
        case .malware: return "Cat VII: virus / malware infection"
        case .noAction: return "No further action"
        case .falsePositive: return "False positive"
        }
    }

    /// Short enough for a table cell or a message line ("Cat VI scan").
    public var shortLabel: String {
        switch self {
        case .unauthorizedAdminAccess: return "Cat I admin access"
        case .unauthorizedUserAccess: return "Cat II user access"
        case .attemptedAccess: return "Cat III attempted access"
        case .denialOfService: return "Cat IV denial of service"
        case .policyViolation: return "Cat V policy violation"
        case .reconnaissance: return "Cat VI scan"
        case .malware: return "Cat VII malware"
        case .noAction: return "no action"
        case .falsePositive: return "false positive"
        }
    }
}
