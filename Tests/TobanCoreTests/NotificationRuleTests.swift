import Testing
@testable import TobanCore
import TobanTestSupport

@Suite struct NotificationRuleTests {
    @Test func withinTakesMinutesOrHours() {
        #expect(NotificationRule(text: "within:30m") == .within(minutes: 30))
        #expect(NotificationRule(text: "within:30") == .within(minutes: 30))
        #expect(NotificationRule(text: "within:1h") == .within(minutes: 60))
        #expect(NotificationRule(text: " Within:2H ") == .within(minutes: 120))
    }

    @Test func withinBoundIsOneWeekOfMinutes() {
        #expect(NotificationRule.maxWithinMinutes == 10_080)
        #expect(NotificationRule(text: "within:10080m") == .within(minutes: 10_080))
        #expect(NotificationRule(text: "within:168h") == .within(minutes: 10_080))
        #expect(NotificationRule(text: "within:10081m") == nil)
        #expect(NotificationRule(text: "within:169h") == nil)
    }

    /// 10080 is the bound in minutes; read as hours it would be 604,800 minutes (six weeks).
    @Test func withinHoursAreBoundedAfterConversion() {
        #expect(NotificationRule(text: "within:10080h") == nil)
        #expect(NotificationRule(text: "within:9999h") == nil)
    }

    @Test func withinRejectsZeroNegativeAndGarbage() {
        #expect(NotificationRule(text: "within:0m") == nil)
        #expect(NotificationRule(text: "within:0h") == nil)
        #expect(NotificationRule(text: "within:-5m") == nil)
        #expect(NotificationRule(text: "within:m") == nil)
        #expect(NotificationRule(text: "within:") == nil)
        #expect(NotificationRule(text: "within:1d") == nil)
        #expect(NotificationRule(text: "within:99999999999999999999h") == nil)
    }

    @Test func withinRoundTripsThroughDescription() {
        #expect(NotificationRule.within(minutes: 90).description == "within:90m")
        #expect(NotificationRule(text: NotificationRule.within(minutes: 10_080).description) == .within(minutes: 10_080))
    }

    @Test func configurationReportsAnOverlongDeadline() {
        let root = ConfigValue.table(["customers": .array([.table([
            "id": .string("acme"),
            "name": .string("Acme"),
            "notify": .table(["P2": .string("within:10080h")]),
        ])])])
        let (config, problems) = ConfigurationDecoder.decode(root, file: "toban.toml")
        #expect(problems.map(\.key) == ["customers[0].notify.P2"])
        #expect(problems.first?.reason.hasPrefix("'within:10080h' is not a rule") == true)
        #expect(config.customers.first?.notificationPolicy.rule(for: .p2) == .within(minutes: 30))
    }
}
