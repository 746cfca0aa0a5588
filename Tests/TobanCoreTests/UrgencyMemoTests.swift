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
                            // Corroborated detections of one signature on other endpoints, or
                            // on none: they share all of their explanation but its end.
                            for endpoint in [IPAddress("10.0.0.\(count % 250 + 1)"), IPAddress("2001:db8::7"), nil] {
                                inputs.append(UrgencyInput(severity: severity, vendorSeverity: "\(severity.rawValue)", category: category,
                                                           signatureID: "20\(severity.rawValue)", endpoint: endpoint,
                                                           asset: withAsset, corroboratingSignatures: max(0, corroborating), count: count))
                            }
                        }
                    }
                }
            }
        }
        for pass in 0..<2 {
            for input in inputs {
                let expected = UrgencyEvaluator.evaluate(input, rules: rules)
                let (urgency, explanation) = memo.evaluate(input)
                #expect(urgency == expected.urgency, "pass \(pass): \(input)")
                #expect(explanation == expected.explanation, "pass \(pass): \(input)")
            }
        }
        // A step after corroboration (informational capped below P1) is kept in every
        // detection's explanation, not only in the first one's.
        var capping = rules
        capping.base[.informational] = .p2
        var cappingMemo = UrgencyMemo(rules: capping)
        for pass in 0..<2 {
            for host in 1...3 {
                let input = UrgencyInput(severity: .informational, vendorSeverity: "4", category: "A Network Trojan was detected",
                                         signatureID: "2024", endpoint: IPAddress("10.0.0.\(host)"),
                                         corroboratingSignatures: capping.corroborationThreshold + host)
                let expected = UrgencyEvaluator.evaluate(input, rules: capping)
                #expect(expected.reasons.last == "informational severity is capped at P2")
                let (urgency, explanation) = cappingMemo.evaluate(input)
                #expect(urgency == expected.urgency, "pass \(pass): \(input)")
                #expect(explanation == expected.explanation, "pass \(pass): \(input)")
            }
        }
        // A signature overridden by the rules is still honoured through the memo.
        var fixedRules = rules
        fixedRules.signatureOverrides["2030358"] = .p1
        var fixedMemo = UrgencyMemo(rules: fixedRules)
        let input = UrgencyInput(severity: .low, vendorSeverity: "3", signatureID: "2030358")
        #expect(fixedMemo.evaluate(input).urgency == .p1)
        #expect(fixedMemo.evaluate(input).urgency == .p1)
    }
}
