import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

/// The memo must never change an assessment: every combination below is evaluated both
/// ways, twice through the memo (the second time from memory), and must agree exactly.
@Suite struct UrgencyMemoTests {
    @Test func memoAgreesWithTheEvaluatorEverywhere() throws {
        let rules = UrgencyRules.default
        var memo = UrgencyMemo(rules: rules)
        let asset = CriticalAsset(network: try CIDR(parsing: "10.0.0.0/24"), weight: 5, label: "domain controllers")
        // A label that is not ASCII: the memo writes explanations as UTF-8 bytes.
        let named = CriticalAsset(network: try CIDR(parsing: "10.0.0.0/24"), weight: 3, label: "経理部サーバー")
        var inputs: [UrgencyInput] = []
        for severity in Severity.allCases {
            for category in ["", "A Network Trojan was detected", "Potential Corporate Privacy Violation", "Not Suspicious Traffic"] {
                for corroborating in [0, rules.corroborationThreshold - 1, rules.corroborationThreshold, 5] {
                    for count in [1, rules.repeatThreshold - 1, rules.repeatThreshold, 500] {
                        for withAsset in [nil, asset, named] {
                            inputs.append(UrgencyInput(severity: severity, vendorSeverity: "\(severity.rawValue)", category: category,
                                                       signatureID: "20\(severity.rawValue)", endpoint: IPAddress("10.0.0.\(count % 250 + 1)"),
                                                       asset: withAsset, corroboratingSignatures: max(0, corroborating), count: count))
                        }
                    }
                }
            }
        }
        for pass in 0..<2 {
            for input in inputs {
                let expected = UrgencyEvaluator.evaluate(input, rules: rules)
                let (got, explanation) = memo.evaluate(input)
                #expect(got == expected, "pass \(pass): \(input)")
                #expect(explanation == expected.explanation)
            }
        }
        // A signature overridden by the rules is still honoured through the memo.
        var fixedRules = rules
        fixedRules.signatureOverrides["2030358"] = .p1
        var fixedMemo = UrgencyMemo(rules: fixedRules)
        let input = UrgencyInput(severity: .low, vendorSeverity: "3", signatureID: "2030358")
        #expect(fixedMemo.evaluate(input).assessment.urgency == .p1)
        #expect(fixedMemo.evaluate(input).assessment.urgency == .p1)
    }
}
