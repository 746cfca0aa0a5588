import Foundation

/// Turns a `ConfigValue` tree into a `TobanConfiguration`, reporting every problem it finds
/// (file, dotted key, plain reason) rather than stopping at the first.
public enum ConfigurationDecoder {
    public static func decode(_ root: ConfigValue, file: String) -> (TobanConfiguration, [ConfigProblem]) {
        let r = ConfigReader(file: file)
        var config = TobanConfiguration()
        guard let top = r.table(root, at: "(top level)") else { return (config, r.problems) }
        r.rejectUnknownKeys(top, known: ["store", "sources", "customers", "analysts", "oncall", "urgency", "ingest", "notify", "console", "keys"], at: "")

        if let store = r.table(top["store"], at: "store") {
            r.rejectUnknownKeys(store, known: ["path"], at: "store")
            config.storePath = r.string(store["path"], at: "store.path")
        }
        config.ingest = decodeIngest(top["ingest"], r)
        config.urgencyRules = decodeUrgency(top["urgency"], r)
        config.notify = decodeNotify(top["notify"], r)
        config.customers = decodeCustomers(top["customers"], r, defaultSilence: 15)
        config.sources = decodeSources(top["sources"], r, customers: config.customers)
        config.analysts = decodeAnalysts(top["analysts"], r)
        config.onCall = decodeOnCall(top["oncall"], r, analysts: config.analysts, customers: config.customers,
                                      webhooks: config.notify.webhooks)
        if let console = r.table(top["console"], at: "console") {
            r.rejectUnknownKeys(console, known: ["theme", "language", "bell"], at: "console")
            config.console.theme = r.string(console["theme"], at: "console.theme")
            if let language = r.string(console["language"], at: "console.language") {
                if ["en", "ja"].contains(language) { config.console.language = language } else {
                    r.problem("console.language", "'\(language)' is not a console language (en, ja)")
                }
            }
            if let v = console["bell"] {
                if case .bool(let b) = v { config.console.bell = b } else { r.problem("console.bell", "must be true or false") }
            }
        }
        if let keys = top["keys"] {
            if r.table(keys, at: "keys") != nil { config.console.keys = keys }
        }
        return (config, r.problems)
    }

    // MARK: Sections

    static func decodeIngest(_ value: ConfigValue?, _ r: ConfigReader) -> IngestSettings {
        var s = IngestSettings()
        guard let t = r.table(value, at: "ingest") else { return s }
        r.rejectUnknownKeys(t, known: ["aggregation_window_minutes", "max_line_bytes", "context_retention_hours", "quarantine_path", "quarantine_max_mb", "flood_events_per_second",
                                     "future_time_margin_minutes"], at: "ingest")
        if let v = r.integer(t["aggregation_window_minutes"], at: "ingest.aggregation_window_minutes", range: 1...1440) { s.aggregationWindowMinutes = v }
        if let v = r.integer(t["max_line_bytes"], at: "ingest.max_line_bytes", range: 1024...(256 << 20)) { s.maxLineBytes = v }
        if let v = r.integer(t["context_retention_hours"], at: "ingest.context_retention_hours", range: 1...(24 * 365)) { s.contextRetentionHours = v }
        if let v = r.string(t["quarantine_path"], at: "ingest.quarantine_path") { s.quarantinePath = v }
        if let v = r.integer(t["quarantine_max_mb"], at: "ingest.quarantine_max_mb", range: 1...(1 << 20)) { s.quarantineMaxMegabytes = v }
        if let v = r.integer(t["flood_events_per_second"], at: "ingest.flood_events_per_second", range: 1...100_000_000) { s.floodEventsPerSecond = v }
        if let v = r.integer(t["future_time_margin_minutes"], at: "ingest.future_time_margin_minutes", range: 0...(366 * 24 * 60)) {
            s.futureTimeMarginMinutes = v
        }
        return s
    }

    static func decodeUrgency(_ value: ConfigValue?, _ r: ConfigReader) -> UrgencyRules {
        var rules = UrgencyRules.default
        guard let t = r.table(value, at: "urgency") else { return rules }
        r.rejectUnknownKeys(t, known: ["base", "raising_categories", "lowering_categories", "signature_overrides",
                                       "asset_weight_one_step", "asset_weight_two_steps", "corroboration_threshold", "repeat_threshold"], at: "urgency")
        if let base = r.table(t["base"], at: "urgency.base") {
            for (name, v) in base.sorted(by: { $0.key < $1.key }) {
                let key = "urgency.base.\(name)"
                guard let severity = Severity(name: name) else { r.problem(key, "unknown severity (use critical, high, medium, low, informational)"); continue }
                if let u = urgency(v, at: key, r) { rules.base[severity] = u }
            }
        }
        if let v = r.strings(t["raising_categories"], at: "urgency.raising_categories") { rules.raisingCategories = v.map { $0.lowercased() } }
        if let v = r.strings(t["lowering_categories"], at: "urgency.lowering_categories") { rules.loweringCategories = v.map { $0.lowercased() } }
        if let o = r.table(t["signature_overrides"], at: "urgency.signature_overrides") {
            for (sid, v) in o.sorted(by: { $0.key < $1.key }) {
                if let u = urgency(v, at: "urgency.signature_overrides.\(sid)", r) { rules.signatureOverrides[sid] = u }
            }
        }
        if let v = r.integer(t["asset_weight_one_step"], at: "urgency.asset_weight_one_step", range: 1...10) { rules.assetWeightOneStep = v }
        if let v = r.integer(t["asset_weight_two_steps"], at: "urgency.asset_weight_two_steps", range: 1...10) { rules.assetWeightTwoSteps = v }
        if let v = r.integer(t["corroboration_threshold"], at: "urgency.corroboration_threshold", range: 1...100) { rules.corroborationThreshold = v }
        if let v = r.integer(t["repeat_threshold"], at: "urgency.repeat_threshold", range: 2...10_000_000) { rules.repeatThreshold = v }
        if rules.assetWeightTwoSteps < rules.assetWeightOneStep {
            r.problem("urgency.asset_weight_two_steps", "must not be below asset_weight_one_step (\(rules.assetWeightOneStep))")
        }
        return rules
    }

    static func urgency(_ value: ConfigValue?, at key: String, _ r: ConfigReader) -> Urgency? {
        guard let s = r.string(value, at: key) else { return nil }
        guard let u = Urgency(label: s) else { r.problem(key, "unknown urgency '\(s)' (use P1 … P5)"); return nil }
        return u
    }

    static func urgencies(_ value: ConfigValue?, at key: String, _ r: ConfigReader) -> Set<Urgency>? {
        guard let items = r.array(value, at: key) else { return nil }
        var out = Set<Urgency>()
        for (i, item) in items.enumerated() {
            if let u = urgency(item, at: "\(key)[\(i)]", r) { out.insert(u) }
        }
        return out
    }

    static func decodeSources(_ value: ConfigValue?, _ r: ConfigReader, customers: [Customer]) -> [SourceSettings] {
        guard let items = r.array(value, at: "sources") else { return [] }
        var out: [SourceSettings] = []
        let ids = Set(customers.map(\.id))
        for (i, item) in items.enumerated() {
            let key = "sources[\(i)]"
            guard let t = r.table(item, at: key) else { continue }
            r.rejectUnknownKeys(t, known: ["path", "format", "customer", "sensor", "timezone"], at: key)
            guard let path = r.string(t["path"], at: "\(key).path", required: true) else { continue }
            var s = SourceSettings(path: path)
            if let f = r.string(t["format"], at: "\(key).format"), f != "auto" {
                if let format = SourceFormat(rawValue: f) { s.format = format } else {
                    r.problem("\(key).format", "unknown format '\(f)' (use auto, \(SourceFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            if let c = r.string(t["customer"], at: "\(key).customer") {
                if ids.contains(c) { s.customerID = c } else { r.problem("\(key).customer", "no customer with id '\(c)'") }
            }
            s.sensor = r.string(t["sensor"], at: "\(key).sensor")
            if let zone = r.string(t["timezone"], at: "\(key).timezone") {
                if TimeZone(identifier: zone) != nil { s.timeZone = zone } else {
                    r.problem("\(key).timezone", "unknown time zone '\(zone)' (use an IANA name such as Asia/Tokyo)")
                }
            }
            out.append(s)
        }
        return out
    }

    static func decodeAnalysts(_ value: ConfigValue?, _ r: ConfigReader) -> [Analyst] {
        guard let items = r.array(value, at: "analysts") else { return [] }
        var out: [Analyst] = []
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            let key = "analysts[\(i)]"
            guard let t = r.table(item, at: key) else { continue }
            r.rejectUnknownKeys(t, known: ["login", "name", "role", "email"], at: key)
            guard let login = r.string(t["login"], at: "\(key).login", required: true) else { continue }
            if !seen.insert(login).inserted { r.problem("\(key).login", "duplicate analyst login '\(login)'") }
            var a = Analyst(login: login, name: r.string(t["name"], at: "\(key).name") ?? login)
            if let role = r.string(t["role"], at: "\(key).role") {
                if let parsed = Analyst.Role(rawValue: role) { a.role = parsed } else { r.problem("\(key).role", "unknown role '\(role)' (use analyst or lead)") }
            }
            if let email = r.string(t["email"], at: "\(key).email") {
                if let reason = EmailAddress.problem(email) { r.problem("\(key).email", reason) } else { a.email = email }
            }
            out.append(a)
        }
        return out
    }

    // MARK: Customers

    static func decodeCustomers(_ value: ConfigValue?, _ r: ConfigReader, defaultSilence: Int) -> [Customer] {
        guard let items = r.array(value, at: "customers") else { return [] }
        var out: [Customer] = []
        var ids: [String: Int] = [:]
        var sensorOwner: [String: String] = [:]
        var networkOwners: [(CIDR, String)] = []
        for (i, item) in items.enumerated() {
            let key = "customers[\(i)]"
            guard let t = r.table(item, at: key) else { continue }
            guard let customer = decodeCustomer(t, key: key, r) else { continue }
            if let first = ids[customer.id] {
                r.problem("\(key).id", "duplicate customer id '\(customer.id)' (also customers[\(first)])")
                continue
            }
            ids[customer.id] = i
            // An address inside two customers' networks would be assigned to whichever is
            // looked at first: its detections could reach the wrong customer.
            for (j, network) in customer.networks.enumerated() {
                if let (other, owner) = networkOwners.first(where: { $0.0.contains(network.network) || network.contains($0.0.network) }) {
                    r.problem("\(key).networks[\(j)]", "\(network) overlaps \(other) of customer '\(owner)'")
                }
            }
            networkOwners += customer.networks.map { ($0, customer.id) }
            for (j, sensor) in customer.sensors.enumerated() {
                if let owner = sensorOwner[sensor] {
                    r.problem("\(key).sensors[\(j)]", "sensor '\(sensor)' is already claimed by customer '\(owner)'")
                } else {
                    sensorOwner[sensor] = customer.id
                }
            }
            out.append(customer)
        }
        return out
    }

    static let customerKeys: Set<String> = ["id", "name", "timezone", "language", "business_hours", "holidays", "extra_holidays",
                                            "networks", "sensors", "critical_assets", "contacts", "maintenance", "contract", "notify",
                                            "notify_options", "webhooks"]

    /// Sections are decoded in a fixed order because that is the order their problems are
    /// reported in, and because `contract.end` is resolved on the customer's own calendar
    /// (time zone, business hours, holidays, maintenance), which must be complete by then.
    static func decodeCustomer(_ t: [String: ConfigValue], key: String, _ r: ConfigReader) -> Customer? {
        r.rejectUnknownKeys(t, known: customerKeys, at: key)
        guard var c = decodeCustomerIdentity(t, key: key, r) else { return nil }
        decodeCustomerLocale(t, key: key, into: &c, r)
        decodeCustomerCalendar(t, key: key, into: &c, r)
        decodeCustomerNetworks(t, key: key, into: &c, r)
        if let items = r.array(t["contacts"], at: "\(key).contacts") {
            c.contacts.append(contentsOf: decodeContacts(items, key: "\(key).contacts", r))
        }
        if let items = r.array(t["maintenance"], at: "\(key).maintenance") {
            c.maintenanceWindows.append(contentsOf: decodeMaintenanceWindows(items, key: "\(key).maintenance", r))
        }
        if let contract = r.table(t["contract"], at: "\(key).contract") {
            decodeContract(contract, key: "\(key).contract", into: &c, r)
        }
        if let notify = r.table(t["notify"], at: "\(key).notify") {
            c.notificationPolicy = decodeNotificationPolicy(notify, key: "\(key).notify", r)
        }
        decodeCustomerNotifyOptions(t, key: key, into: &c.notificationPolicy, r)
        return c
    }

    /// `id` and `name`. Without an id there is no customer to build; a malformed id is only
    /// reported, so the rest of the entry is still checked.
    static func decodeCustomerIdentity(_ t: [String: ConfigValue], key: String, _ r: ConfigReader) -> Customer? {
        guard let id = r.string(t["id"], at: "\(key).id", required: true) else { return nil }
        if let reason = Customer.idProblem(id) { r.problem("\(key).id", reason) }
        let name = r.string(t["name"], at: "\(key).name", required: true) ?? id
        return Customer(id: id, displayName: name)
    }

    /// `timezone` and `language`.
    static func decodeCustomerLocale(_ t: [String: ConfigValue], key: String, into c: inout Customer, _ r: ConfigReader) {
        if let tz = r.string(t["timezone"], at: "\(key).timezone") {
            if let zone = TimeZone(identifier: tz), tz.contains("/") || tz == "UTC" { c.timeZone = zone } else {
                r.problem("\(key).timezone", "unknown time zone '\(tz)' (use an IANA name such as Asia/Tokyo)")
            }
        }
        if let lang = r.string(t["language"], at: "\(key).language") {
            if let l = Language(rawValue: lang) { c.language = l } else { r.problem("\(key).language", "unknown language '\(lang)' (use ja or en)") }
        }
    }

    /// `business_hours`, `holidays` and `extra_holidays`. Extra dates are added after the
    /// calendar is chosen, so they extend whichever calendar `holidays` names.
    static func decodeCustomerCalendar(_ t: [String: ConfigValue], key: String, into c: inout Customer, _ r: ConfigReader) {
        if let bh = r.table(t["business_hours"], at: "\(key).business_hours") {
            c.businessHours = decodeBusinessHours(bh, key: "\(key).business_hours", r) ?? c.businessHours
        }
        if let h = r.string(t["holidays"], at: "\(key).holidays") {
            switch h {
            case "jp": c.holidays = .japan
            case "none": c.holidays = .none
            default: r.problem("\(key).holidays", "unknown holiday calendar '\(h)' (use jp or none)")
            }
        }
        if let extra = r.strings(t["extra_holidays"], at: "\(key).extra_holidays") {
            var dates: [LocalDate] = []
            for (i, s) in extra.enumerated() {
                if let d = LocalDate(text: s) { dates.append(d) } else { r.problem("\(key).extra_holidays[\(i)]", "'\(s)' is not a date (YYYY-MM-DD)") }
            }
            c.holidays = c.holidays.adding(dates)
        }
    }

    /// `networks`, `sensors` and `critical_assets`: what ties an event to this customer.
    static func decodeCustomerNetworks(_ t: [String: ConfigValue], key: String, into c: inout Customer, _ r: ConfigReader) {
        if let nets = r.strings(t["networks"], at: "\(key).networks") {
            c.networks = cidrs(nets, key: "\(key).networks", r)
        }
        if let sensors = r.strings(t["sensors"], at: "\(key).sensors") { c.sensors = sensors }
        if let assets = r.array(t["critical_assets"], at: "\(key).critical_assets") {
            c.criticalAssets.append(contentsOf: decodeCriticalAssets(assets, key: "\(key).critical_assets", r))
        }
    }

    static func decodeCriticalAssets(_ items: [ConfigValue], key: String, _ r: ConfigReader) -> [CriticalAsset] {
        var out: [CriticalAsset] = []
        for (i, a) in items.enumerated() {
            let k = "\(key)[\(i)]"
            guard let at = r.table(a, at: k) else { continue }
            r.rejectUnknownKeys(at, known: ["address", "weight", "label"], at: k)
            guard let address = r.string(at["address"], at: "\(k).address", required: true) else { continue }
            let weight = r.integer(at["weight"], at: "\(k).weight", range: 1...10) ?? 5
            do {
                out.append(CriticalAsset(network: try CIDR(parsing: address), weight: weight,
                                         label: r.string(at["label"], at: "\(k).label") ?? ""))
            } catch { r.problem("\(k).address", error.description) }
        }
        return out
    }

    static func decodeContacts(_ items: [ConfigValue], key: String, _ r: ConfigReader) -> [Contact] {
        var out: [Contact] = []
        for (i, item) in items.enumerated() {
            let k = "\(key)[\(i)]"
            guard let ct = r.table(item, at: k) else { continue }
            r.rejectUnknownKeys(ct, known: ["name", "email", "phone", "urgencies"], at: k)
            var contact = Contact(name: r.string(ct["name"], at: "\(k).name", required: true) ?? "")
            if let email = r.string(ct["email"], at: "\(k).email") {
                if let reason = EmailAddress.problem(email) { r.problem("\(k).email", reason) } else { contact.email = email }
            }
            contact.phone = r.string(ct["phone"], at: "\(k).phone")
            if let u = urgencies(ct["urgencies"], at: "\(k).urgencies", r) { contact.urgencies = u }
            if contact.email == nil && contact.phone == nil { r.problem(k, "a contact needs an email or a phone") }
            out.append(contact)
        }
        return out
    }

    static func decodeMaintenanceWindows(_ items: [ConfigValue], key: String, _ r: ConfigReader) -> [MaintenanceWindow] {
        var out: [MaintenanceWindow] = []
        for (i, item) in items.enumerated() {
            let k = "\(key)[\(i)]"
            if let mt = r.table(item, at: k), let w = decodeMaintenance(mt, key: k, r) { out.append(w) }
        }
        return out
    }

    /// Takes the whole customer because the contract end is the close of its end date in the
    /// customer's own calendar.
    static func decodeContract(_ t: [String: ConfigValue], key k: String, into c: inout Customer, _ r: ConfigReader) {
        r.rejectUnknownKeys(t, known: ["throttle_events_per_second", "send_without_confirmation", "end", "silence_minutes"], at: k)
        c.contract.throttleEventsPerSecond = r.integer(t["throttle_events_per_second"], at: "\(k).throttle_events_per_second", range: 1...10_000_000)
        if let u = urgencies(t["send_without_confirmation"], at: "\(k).send_without_confirmation", r) { c.contract.sendWithoutConfirmation = u }
        if let end = r.string(t["end"], at: "\(k).end") {
            if let d = LocalDate(text: end) {
                c.contract.contractEnd = CustomerCalendar(customer: c).instant(d, TimeOfDay(hour: 24, minute: 0))
            } else { r.problem("\(k).end", "'\(end)' is not a date (YYYY-MM-DD)") }
        }
        if let m = r.integer(t["silence_minutes"], at: "\(k).silence_minutes", range: 1...10_080) { c.contract.silenceMinutes = m }
    }

    /// Keys are urgency labels (plus `business_hours_from`), walked in sorted order so problems
    /// come out the same on every run.
    static func decodeNotificationPolicy(_ t: [String: ConfigValue], key k: String, _ r: ConfigReader) -> NotificationPolicy {
        var policy = NotificationPolicy.standard
        for (name, v) in t.sorted(by: { $0.key < $1.key }) {
            if name == "business_hours_from" {
                if let u = urgency(v, at: "\(k).\(name)", r) { policy.respectBusinessHoursFrom = u }
                continue
            }
            guard let u = Urgency(label: name) else { r.problem("\(k).\(name)", "unknown urgency '\(name)' (use P1 … P5 or business_hours_from)"); continue }
            guard let text = r.string(v, at: "\(k).\(name)") else { continue }
            if let rule = NotificationRule(text: text) { policy.rules[u] = rule } else {
                r.problem("\(k).\(name)", "'\(text)' is not a rule (use immediate, within:30m, digest:00,30, next-business-day, none)")
            }
        }
        if policy.rule(for: .p1) != .immediate {
            r.problem("\(k).P1", "P1 (★★★) must be notified immediately under the service terms")
        }
        return policy
    }

    static func cidrs(_ texts: [String], key: String, _ r: ConfigReader) -> [CIDR] {
        var out: [CIDR] = []
        for (i, s) in texts.enumerated() {
            do { out.append(try CIDR(parsing: s)) } catch { r.problem("\(key)[\(i)]", error.description) }
        }
        return out
    }

    static func decodeBusinessHours(_ t: [String: ConfigValue], key: String, _ r: ConfigReader) -> BusinessHours? {
        r.rejectUnknownKeys(t, known: ["days", "open", "close"], at: key)
        var hours = BusinessHours.weekdaysNineToSix
        if let days = r.strings(t["days"], at: "\(key).days") {
            var set = Set<Weekday>()
            for (i, d) in days.enumerated() {
                if let w = Weekday(name: d) { set.insert(w) } else { r.problem("\(key).days[\(i)]", "unknown weekday '\(d)' (use mon … sun)") }
            }
            hours.days = set
        }
        if let o = r.string(t["open"], at: "\(key).open") {
            if let time = TimeOfDay(text: o) { hours.opens = time } else { r.problem("\(key).open", "'\(o)' is not a time (HH:MM)") }
        }
        if let c = r.string(t["close"], at: "\(key).close") {
            if let time = TimeOfDay(text: c) { hours.closes = time } else { r.problem("\(key).close", "'\(c)' is not a time (HH:MM)") }
        }
        if hours.closes <= hours.opens { r.problem("\(key).close", "closes (\(hours.closes)) must be after opens (\(hours.opens))"); return nil }
        return hours
    }

    static func decodeMaintenance(_ t: [String: ConfigValue], key: String, _ r: ConfigReader) -> MaintenanceWindow? {
        r.rejectUnknownKeys(t, known: ["every", "day", "week", "weekday", "start", "minutes"], at: key)
        guard let every = r.string(t["every"], at: "\(key).every", required: true) else { return nil }
        var weekday: Weekday?
        if let w = r.string(t["weekday"], at: "\(key).weekday") {
            weekday = Weekday(name: w)
            if weekday == nil { r.problem("\(key).weekday", "unknown weekday '\(w)' (use mon … sun)"); return nil }
        }
        let recurrence: MaintenanceWindow.Recurrence
        switch every {
        case "week":
            guard let weekday else { r.problem("\(key).weekday", "is required for a weekly window"); return nil }
            recurrence = .weekly(weekday)
        case "month":
            if let day = r.integer(t["day"], at: "\(key).day", range: 1...31) {
                recurrence = .monthlyOnDay(day)
            } else if let weekday {
                guard let week = r.integer(t["week"], at: "\(key).week", range: -1...5), week != 0 else {
                    r.problem("\(key).week", "is required with weekday: 1–5, or -1 for the last"); return nil
                }
                recurrence = .monthlyOnWeekday(nth: week, weekday: weekday)
            } else {
                r.problem(key, "a monthly window needs day = N, or week = N with weekday"); return nil
            }
        default:
            r.problem("\(key).every", "unknown recurrence '\(every)' (use week or month)"); return nil
        }
        guard let startText = r.string(t["start"], at: "\(key).start", required: true) else { return nil }
        guard let start = TimeOfDay(text: startText), start.hour < 24 else { r.problem("\(key).start", "'\(startText)' is not a time (HH:MM)"); return nil }
        guard let minutes = r.integer(t["minutes"], at: "\(key).minutes", range: 1...(7 * 24 * 60)) else {
            if t["minutes"] == nil { r.problem("\(key).minutes", "is required") }
            return nil
        }
        return MaintenanceWindow(recurrence: recurrence, starts: start, durationMinutes: minutes)
    }
}

/// Minimal address check for configuration: the mail header must never receive CR/LF, NUL
/// or any other control character from configuration either, and an address without '@'
/// is surely a typo. The reason shows the address made safe, never its raw bytes.
public enum EmailAddress {
    public static func problem(_ text: String) -> String? {
        if let unsafe = text.unicodeScalars.first(where: { !Sanitizer.isSafe($0) }) {
            return "contains a control character (\(ConfigReader.codePoint(unsafe)))"
        }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty || text.contains(" ") || text.contains(",") {
            return "'\(Sanitizer.sanitize(text))' is not an email address"
        }
        return nil
    }
}
