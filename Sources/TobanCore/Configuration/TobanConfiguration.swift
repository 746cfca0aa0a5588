/// Everything a `toban.toml` says, validated and typed.
public struct TobanConfiguration: Sendable, Equatable {
    public var storePath: String?
    public var sources: [SourceSettings]
    public var customers: [Customer]
    public var analysts: [Analyst]
    public var onCall: OnCallSettings
    public var urgencyRules: UrgencyRules
    public var ingest: IngestSettings
    public var notify: NotifySettings
    public var console: ConsoleSettings

    public init(storePath: String? = nil, sources: [SourceSettings] = [], customers: [Customer] = [],
                analysts: [Analyst] = [], onCall: OnCallSettings = OnCallSettings(), urgencyRules: UrgencyRules = .default,
                ingest: IngestSettings = IngestSettings(), notify: NotifySettings = NotifySettings(),
                console: ConsoleSettings = ConsoleSettings()) {
        self.storePath = storePath
        self.sources = sources
        self.customers = customers
        self.analysts = analysts
        self.onCall = onCall
        self.urgencyRules = urgencyRules
        self.ingest = ingest
        self.notify = notify
        self.console = console
    }

    public func customer(id: String) -> Customer? { customers.first { $0.id == id } }
}

/// One log source to follow: a file, a glob or a directory.
public struct SourceSettings: Sendable, Equatable {
    public var path: String
    /// nil: detect from the first lines.
    public var format: SourceFormat?
    /// Every event of this source belongs to this customer (else: by sensor name, then by CIDR).
    public var customerID: String?
    /// Sensor name for formats that do not carry one (Zeek TSV).
    public var sensor: String?
    /// IANA zone of the sensor's clock, for timestamps that carry no zone (RFC 3164 syslog,
    /// CEF `rt` dates); nil: the ingest host's zone.
    public var timeZone: String?

    public init(path: String, format: SourceFormat? = nil, customerID: String? = nil, sensor: String? = nil) {
        self.path = path
        self.format = format
        self.customerID = customerID
        self.sensor = sensor
    }
}

public struct Analyst: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable { case analyst, lead }
    public var login: String
    public var name: String
    public var role: Role
    public var email: String?
    public init(login: String, name: String, role: Role = .analyst, email: String? = nil) {
        self.login = login
        self.name = name
        self.role = role
        self.email = email
    }
}

/// Who is on call on each layer, and how an escalation climbs them.
public struct OnCallSettings: Sendable, Equatable {
    public var roster: OnCallRoster
    public var escalation: OnCallEscalation
    public init(roster: OnCallRoster = OnCallRoster(), escalation: OnCallEscalation = OnCallEscalation()) {
        self.roster = roster
        self.escalation = escalation
    }
}

public struct IngestSettings: Sendable, Equatable {
    /// Repeats of the same detection within this window aggregate into one row.
    public var aggregationWindowMinutes: Int
    /// Longer lines are quarantined, never truncated into a wrong parse.
    public var maxLineBytes: Int
    public var contextRetentionHours: Int
    public var quarantinePath: String?
    /// Past this size the quarantine file names unusable lines (source, offset, length,
    /// count) without their bytes, so garbage from a sensor cannot fill the store's disk.
    public var quarantineMaxMegabytes: Int
    /// Events per second per source above which context events are sampled.
    public var floodEventsPerSecond: Int
    /// An event time more than this far ahead of the ingest clock is implausible (a sensor
    /// clock or zone gone wrong, a forged line): the event is dated at its arrival and its
    /// own time kept beside it (`Evidence.claimedTime`), so it cannot sit atop the queue.
    public var futureTimeMarginMinutes: Int
    public init(aggregationWindowMinutes: Int = 10, maxLineBytes: Int = 1 << 20, contextRetentionHours: Int = 72,
                quarantinePath: String? = nil, quarantineMaxMegabytes: Int = 256, floodEventsPerSecond: Int = 50_000,
                futureTimeMarginMinutes: Int = 60) {
        self.futureTimeMarginMinutes = futureTimeMarginMinutes
        self.aggregationWindowMinutes = aggregationWindowMinutes
        self.maxLineBytes = maxLineBytes
        self.contextRetentionHours = contextRetentionHours
        self.quarantinePath = quarantinePath
        self.quarantineMaxMegabytes = quarantineMaxMegabytes
        self.floodEventsPerSecond = floodEventsPerSecond
    }
}

public struct NotifySettings: Sendable, Equatable {
    /// A sendmail-compatible program (sendmail, msmtp, postfix's sendmail…).
    public var sendmailPath: String
    public var fromAddress: String
    /// How customers reach the SOC, printed at the end of every message.
    public var socContact: String
    /// Templates that override the built-in ones (`single.ja.mustache` …); then
    /// `$XDG_CONFIG_HOME/toban/templates/`, then the built-in ones.
    public var templatesDirectory: String?
    /// Storm control and deadlines for every customer (each may override them).
    public var tuning: NotificationTuning
    /// The SOC's own channels: every notification of the urgencies each names.
    public var webhooks: [WebhookChannel]
    /// Longest wait between two delivery attempts (the backoff doubles up to it).
    public var maxRetrySeconds: Int
    /// Attempts before a temporarily failing notification is declared dead and shown.
    public var maxAttempts: Int
    /// How long a dispatcher holds an attempt: after that, if it has not recorded the
    /// result (it crashed), another dispatcher takes the attempt over.
    public var leaseSeconds: Int

    public init(sendmailPath: String = "/usr/sbin/sendmail", fromAddress: String = "soc@localhost",
                socContact: String = "", templatesDirectory: String? = nil, tuning: NotificationTuning = .standard,
                webhooks: [WebhookChannel] = [], maxRetrySeconds: Int = 600, maxAttempts: Int = 12, leaseSeconds: Int = 120) {
        self.sendmailPath = sendmailPath
        self.fromAddress = fromAddress
        self.socContact = socContact
        self.templatesDirectory = templatesDirectory
        self.tuning = tuning
        self.webhooks = webhooks
        self.maxRetrySeconds = maxRetrySeconds
        self.maxAttempts = maxAttempts
        self.leaseSeconds = leaseSeconds
    }
}

public struct ConsoleSettings: Sendable, Equatable {
    public var theme: String?
    /// The one language of the console's labels, hints and prompts: "en" (default) or "ja".
    public var language = "en"
    /// Ring the terminal bell on a new page or a new P1.
    public var bell = true
    /// The `[keys]` table as written; the console validates it against its keymap.
    public var keys: ConfigValue?
    public init(theme: String? = nil, keys: ConfigValue? = nil) {
        self.theme = theme
        self.keys = keys
    }
}
