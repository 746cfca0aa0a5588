import Foundation

/// A customer of the monitoring service, with everything the rules need to know about it.
public struct Customer: Sendable, Equatable, Identifiable {
    public var id: String
    /// As the customer is called, often Japanese (株式会社…).
    public var displayName: String
    public var timeZone: TimeZone
    public var businessHours: BusinessHours
    public var holidays: HolidayCalendar
    /// The customer's internal networks: an IP inside them is one of its endpoints.
    public var networks: [CIDR]
    /// Sensor names exactly as they appear in the logs (EVE `host`, syslog hostname…).
    public var sensors: [String]
    public var criticalAssets: [CriticalAsset]
    public var contacts: [Contact]
    public var language: Language
    public var maintenanceWindows: [MaintenanceWindow]
    public var contract: ContractOptions
    public var notificationPolicy: NotificationPolicy

    public init(id: String, displayName: String, timeZone: TimeZone = TimeZone(identifier: "Asia/Tokyo")!,
                businessHours: BusinessHours = .weekdaysNineToSix, holidays: HolidayCalendar = .japan,
                networks: [CIDR] = [], sensors: [String] = [], criticalAssets: [CriticalAsset] = [],
                contacts: [Contact] = [], language: Language = .ja, maintenanceWindows: [MaintenanceWindow] = [],
                contract: ContractOptions = ContractOptions(), notificationPolicy: NotificationPolicy = .standard) {
        self.id = id
        self.displayName = displayName
        self.timeZone = timeZone
        self.businessHours = businessHours
        self.holidays = holidays
        self.networks = networks
        self.sensors = sensors
        self.criticalAssets = criticalAssets
        self.contacts = contacts
        self.language = language
        self.maintenanceWindows = maintenanceWindows
        self.contract = contract
        self.notificationPolicy = notificationPolicy
    }

    /// Why `id` cannot name a customer, or nil. The same rule for the configuration and
    /// for `--customer`, so an id is valid wherever it is given.
    public static func idProblem(_ id: String) -> String? {
        if id.isEmpty || id.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            return "'\(Sanitizer.sanitize(id))' must be non-empty letters, digits, '-' or '_'"
        }
        return nil
    }

    public func isInternal(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The heaviest critical asset that covers `address`, if any.
    public func criticalAsset(for address: IPAddress) -> CriticalAsset? {
        criticalAssets.filter { $0.network.contains(address) }.max { $0.weight < $1.weight }
    }

    /// Contacts who want to hear about `urgency`.
    public func contacts(for urgency: Urgency) -> [Contact] {
        contacts.filter { $0.urgencies.contains(urgency) }
    }
}

/// A host or network the customer cares about most (domain controller, payment server…).
/// Weight 1–10 raises urgency and endpoint risk.
public struct CriticalAsset: Sendable, Equatable {
    public var network: CIDR
    public var weight: Int
    public var label: String
    public init(network: CIDR, weight: Int, label: String = "") {
        self.network = network
        self.weight = weight
        self.label = label
    }
}

public struct Contact: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var phone: String?
    public var urgencies: Set<Urgency>
    public init(name: String, email: String? = nil, phone: String? = nil, urgencies: Set<Urgency> = Set(Urgency.allCases)) {
        self.name = name
        self.email = email
        self.phone = phone
        self.urgencies = urgencies
    }
}

/// What the contract allows or requires.
public struct ContractOptions: Sendable, Equatable {
    /// Events per second per sensor above which context events are sampled (never detections).
    public var throttleEventsPerSecond: Int?
    /// Urgencies that may be sent without an analyst's confirmation (empty: confirm everything).
    public var sendWithoutConfirmation: Set<Urgency>
    /// After this day all of the customer's data is erased.
    public var contractEnd: Date?
    /// Minutes of sensor silence that count as a monitoring gap.
    public var silenceMinutes: Int

    public init(throttleEventsPerSecond: Int? = nil, sendWithoutConfirmation: Set<Urgency> = [],
                contractEnd: Date? = nil, silenceMinutes: Int = 15) {
        self.throttleEventsPerSecond = throttleEventsPerSecond
        self.sendWithoutConfirmation = sendWithoutConfirmation
        self.contractEnd = contractEnd
        self.silenceMinutes = silenceMinutes
    }
}
