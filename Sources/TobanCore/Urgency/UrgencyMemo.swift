/// Remembers urgency assessments for one set of rules. Ingest evaluates every detection,
/// and almost all of them differ only in fields the evaluation does not read unless they
/// cross a threshold (no critical asset, corroboration and repeats below their thresholds):
/// those share one assessment per signature, severity and category. Anything else is
/// evaluated afresh, since its reasons name the asset, the count or the endpoint.
public struct UrgencyMemo: Sendable {
    public let rules: UrgencyRules
    private struct Key: Hashable {
        var severity: Severity
        var vendorSeverity: String
        var category: String
        var signatureID: String
    }
    private var entries: [Key: (UrgencyAssessment, String)] = [:]
    /// Entries kept at most (signatures × severities seen; a flood of distinct ones starts over).
    static let capacity = 10_000

    public init(rules: UrgencyRules) { self.rules = rules }

    /// The assessment and its explanation text.
    public mutating func evaluate(_ input: UrgencyInput) -> (assessment: UrgencyAssessment, explanation: String) {
        guard input.asset == nil, input.corroboratingSignatures < rules.corroborationThreshold,
              input.count < rules.repeatThreshold else {
            let assessment = UrgencyEvaluator.evaluate(input, rules: rules)
            return (assessment, assessment.explanation)
        }
        let key = Key(severity: input.severity, vendorSeverity: input.vendorSeverity, category: input.category, signatureID: input.signatureID)
        if let known = entries[key] { return known }
        let assessment = UrgencyEvaluator.evaluate(input, rules: rules)
        if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = (assessment, assessment.explanation)
        return (assessment, assessment.explanation)
    }
}
