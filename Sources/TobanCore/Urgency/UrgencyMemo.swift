/// Remembers urgency assessments for one set of rules. Ingest evaluates every detection,
/// and almost all of them differ only in fields the evaluation does not read unless they
/// cross a threshold (no critical asset, corroboration and repeats below their thresholds):
/// those share one assessment per signature, severity and category. The others share the
/// part that reads only those (`UrgencyBase`), and finish from it, since their reasons name
/// the asset, the count or the endpoint.
public struct UrgencyMemo: Sendable {
    public let rules: UrgencyRules
    private struct Key: Hashable {
        var severity: Severity
        var vendorSeverity: String
        var category: String
        var signatureID: String
    }
    private struct Entry {
        var base: UrgencyBase
        /// The base's reasons joined as an explanation joins them: most explanations start
        /// with them, and joining them for every detection cost more than the rest.
        var baseText: String
        /// The assessment when nothing past the base applies, and its explanation; made the
        /// first time that happens.
        var plain: (UrgencyAssessment, String)?
    }
    private var entries: [Key: Entry] = [:]
    /// Entries kept at most (signatures × severities seen; a flood of distinct ones starts over).
    static let capacity = 10_000

    public init(rules: UrgencyRules) { self.rules = rules }

    /// The assessment and its explanation text.
    public mutating func evaluate(_ input: UrgencyInput) -> (assessment: UrgencyAssessment, explanation: String) {
        let key = Key(severity: input.severity, vendorSeverity: input.vendorSeverity, category: input.category, signatureID: input.signatureID)
        // Nothing past the base applies: the signature's one shared assessment.
        let plain = input.asset == nil && input.corroboratingSignatures < rules.corroborationThreshold
            && input.count < rules.repeatThreshold
        var entry: Entry
        if let known = entries[key] {
            if plain, let result = known.plain { return result }
            entry = known
        } else {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            let base = UrgencyEvaluator.base(input, rules: rules)
            entry = Entry(base: base, baseText: base.reasons.joined(separator: "; "))
            entries[key] = entry
        }
        let assessment = UrgencyEvaluator.finish(entry.base, input, rules: rules)
        let result = (assessment, explanation(of: assessment, base: entry))
        if plain {
            entry.plain = result
            entries[key] = entry
        }
        return result
    }

    /// `assessment.explanation`, from the base's joined reasons and the ones added after them.
    private func explanation(of assessment: UrgencyAssessment, base entry: Entry) -> String {
        let baseCount = entry.base.reasons.count
        guard baseCount > 0, assessment.reasons.count >= baseCount else { return assessment.explanation }
        var text = "\(assessment.urgency) because "
        text += entry.baseText
        for reason in assessment.reasons[baseCount...] {
            text += "; "
            text += reason
        }
        return text
    }
}
