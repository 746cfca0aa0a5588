/// Remembers urgency assessments for one set of rules. Ingest evaluates every detection,
/// and almost all of them differ only in fields the evaluation does not read unless they
/// cross a threshold (no critical asset, corroboration and repeats below their thresholds):
/// those share one assessment per signature, severity and category. A detection that is
/// only corroborated shares that signature's urgency too, and its explanation differs only
/// in its last reason (the count and the endpoint). The others share the part that reads
/// only the signature (`UrgencyBase`), and finish from it, since their reasons name the
/// asset or the count.
public struct UrgencyMemo: Sendable {
    public let rules: UrgencyRules
    private struct Key: Hashable {
        var severity: Severity
        var vendorSeverity: String
        var category: String
        var signatureID: String
    }
    /// What a signature's corroborated detections share, once one has been evaluated.
    private enum Corroborated {
        case unknown
        /// Another step follows corroboration (a cap): each such detection is finished.
        case finished
        /// Their urgency, and their explanation up to the corroboration reason.
        case shared(Urgency, prefix: String)
    }
    private struct Entry {
        var base: UrgencyBase
        /// The base's reasons joined as an explanation joins them: most explanations start
        /// with them, and joining them for every detection cost more than the rest.
        var baseText: String
        /// The urgency and explanation when nothing past the base applies; made the first
        /// time that happens.
        var plain: (Urgency, String)?
        var corroborated = Corroborated.unknown
    }
    private var entries: [Key: Entry] = [:]
    /// Entries kept at most (signatures × severities seen; a flood of distinct ones starts over).
    static let capacity = 10_000

    public init(rules: UrgencyRules) { self.rules = rules }

    /// The urgency and its explanation text, as `UrgencyEvaluator.evaluate(input)` gives
    /// them (`urgency`, `explanation`).
    public mutating func evaluate(_ input: UrgencyInput) -> (urgency: Urgency, explanation: String) {
        let key = Key(severity: input.severity, vendorSeverity: input.vendorSeverity, category: input.category, signatureID: input.signatureID)
        let belowRepeats = input.asset == nil && input.count < rules.repeatThreshold
        let corroborated = input.corroboratingSignatures >= rules.corroborationThreshold
        // Nothing past the base applies.
        let plain = belowRepeats && !corroborated
        // Corroboration is the only step past the base.
        let onlyCorroborated = belowRepeats && corroborated
        var entry: Entry
        if let known = entries[key] {
            // Rules that fix the signature's urgency read nothing else.
            if plain || known.base.fixed != nil, let result = known.plain { return result }
            if onlyCorroborated, case .shared(let urgency, let prefix) = known.corroborated {
                var text = prefix
                UrgencyEvaluator.appendCorroborationReason(input.corroboratingSignatures, endpoint: input.endpoint, to: &text)
                return (urgency, text)
            }
            entry = known
        } else {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            let base = UrgencyEvaluator.base(input, rules: rules)
            entry = Entry(base: base, baseText: base.reasons.joined(separator: "; "))
            entries[key] = entry
        }
        let assessment = UrgencyEvaluator.finish(entry.base, input, rules: rules)
        let result = (urgency: assessment.urgency, explanation: explanation(of: assessment, base: entry))
        if plain || entry.base.fixed != nil {
            entry.plain = result
            entries[key] = entry
        } else if onlyCorroborated, case .unknown = entry.corroborated {
            // Shared only when corroboration is the last step (no cap follows it): the
            // explanation without that reason is the prefix.
            entry.corroborated = assessment.reasons.count == entry.base.reasons.count + 1
                ? .shared(assessment.urgency, prefix: String(result.explanation.dropLast(assessment.reasons.last!.count)))
                : .finished
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
