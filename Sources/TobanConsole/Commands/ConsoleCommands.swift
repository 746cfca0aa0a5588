import Foundation
import TobanStore

/// The `:` command line: `:group endpoint|signature|customer|none`, `:customer ID`,
/// `:theme NAME`, `:endpoints`, `:queue`, `:incidents`, `:incident N`, `:outbox`,
/// `:oncall`, `:ack`, `:help`, `:q`.
public enum ConsoleCommandLine {
    /// Every command, with its usage: what runs and what help shows come from here.
    public static let grammar: [(name: String, usage: String, meaning: String)] = [
        ("queue", ":queue", "the detection queue"),
        ("customer", ":customer ID", "narrow the queue to one customer (replaces an earlier cust:)"),
        ("group", ":group signature|endpoint|customer|source|none", "group the queue (source: a scanner is one row, with its targets)"),
        ("endpoints", ":endpoints", "suspect endpoints (被疑端末) by risk"),
        ("incidents", ":incidents", "incidents by urgency, then age"),
        ("incident", ":incident 42  :incident INC-2026-0042", "open one incident"),
        ("outbox", ":outbox", "customer notifications waiting and recently sent"),
        ("oncall", ":oncall", "who is on call now, on every layer"),
        ("health", ":health", "ingest health: lag, quarantine, silent sensors, unassigned, flood"),
        ("ack", ":ack", "acknowledge the page in the banner"),
        ("theme", ":theme dark|light|high-contrast|mono", "switch the colour theme"),
        ("help", ":help", "this help"),
        ("q", ":q  :quit", "quit Toban"),
    ]

    public static let commands = (grammar.map(\.name) + ["quit"]).sorted()
    public static let groupings = ["customer", "endpoint", "none", "signature", "source"]

    /// Choices for the word being typed; `customers` and `themes` feed the arguments.
    public static func candidates(for text: String, customers: [String], themes: [String]) -> (prefix: String, choices: [String]) {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if words.count <= 1 {
            let w = words.first ?? ""
            return ("", commands.filter { $0.hasPrefix(w) })
        }
        let arg = words.last ?? ""
        let prefix = words.dropLast().joined(separator: " ") + " "
        let pool: [String]
        switch words[0] {
        case "group": pool = groupings
        case "customer": pool = customers.sorted()
        case "theme": pool = themes.sorted()
        default: pool = []
        }
        return (prefix, pool.filter { $0.lowercased().hasPrefix(arg.lowercased()) })
    }

    /// Tab: the completed text, and the choices when more than one remains.
    public static func complete(_ text: String, customers: [String], themes: [String]) -> (text: String, choices: [String]) {
        let (prefix, choices) = candidates(for: text, customers: customers, themes: themes)
        guard !choices.isEmpty else { return (text, []) }
        if choices.count == 1 { return (prefix + choices[0] + " ", []) }
        var common = choices[0]
        for c in choices.dropFirst() {
            while !c.hasPrefix(common) { common.removeLast() }
        }
        let current = text.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        return (common.count > current.count ? prefix + common : text, choices)
    }
}

extension ConsoleModel {
    mutating func runCommand(_ text: String) -> [Effect] {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else { return [] }
        let arg = words.dropFirst().joined(separator: " ")
        switch name {
        case "q", "quit", "q!", "qa":
            return [.quit]
        case "help":
            return perform(.help)
        case "endpoints":
            return perform(.viewEndpoints)
        case "queue":
            return perform(.viewQueue)
        case "incidents":
            return perform(.viewIncidents)
        case "incident":
            // `:incident 42` or `:incident INC-2026-0042`.
            guard let id = Int64(arg.split(separator: "-").last.map(String.init) ?? arg) else {
                setMessage(environment.labels("usage: :incident NUMBER (42 or INC-2026-0042)"), error: true)
                return []
            }
            return pushIncidentPage(id)
        case "outbox":
            return perform(.viewOutbox)
        case "ack":
            return perform(.acknowledgePage)
        case "health":
            return perform(.viewHealth)
        case "oncall":
            guard let onCall = environment.onCall else { setMessage(environment.labels("no on-call roster is configured ([oncall] layers)"), error: true); return [] }
            let who = onCall(now)
            setMessage(who.isEmpty ? environment.labels("nobody is on call now") : environment.labels.fill("on call: {}", who.joined(separator: " · ")))
            return []
        case "group":
            guard case .queue = state.top else { setMessage(environment.labels(":group works on the queue"), error: true); return [] }
            switch arg {
            case "none", "": return setGrouping(nil)
            default:
                guard let g = DetectionGrouping(rawValue: arg) else {
                    setMessage(environment.labels.fill("unknown grouping {} (endpoint, signature, customer, source, none)", arg), error: true)
                    return []
                }
                return setGrouping(g)
            }
        case "customer":
            guard case .queue(let q) = state.top else { setMessage(environment.labels(":customer works on the queue"), error: true); return [] }
            var text = q.queryText.split(separator: " ").filter { !$0.hasPrefix("cust:") }.joined(separator: " ")
            if !arg.isEmpty { text = (text.isEmpty ? "" : text + " ") + "cust:\(arg)" }
            let (query, error) = FilterQuery.parse(text, customers: customerLookup, me: environment.analyst)
            if let error { setMessage(error, error: true); return [] }
            return applyFilter(text, query: query)
        case "theme":
            guard !arg.isEmpty else { setMessage("usage: :theme NAME (\(environment.themeNames.joined(separator: ", ")))", error: true); return [] }
            guard let switchTheme = environment.switchTheme else { setMessage(environment.labels("themes cannot be changed here"), error: true); return [] }
            if let problem = switchTheme(arg) { setMessage(problem, error: true) } else { setMessage("theme \(arg)") }
            return [.repaint]
        default:
            setMessage(environment.labels.fill("unknown command :{} ({})", name, ConsoleCommandLine.commands.joined(separator: ", ")), error: true)
            return []
        }
    }

    /// Customer ids and display names, lower-cased, to ids (for `cust:`).
    var customerLookup: [String: String] {
        var out: [String: String] = [:]
        for (id, name) in state.overview.customerNames {
            out[id.lowercased()] = id
            out[name.lowercased()] = id
        }
        return out
    }

    // MARK: Prompt keys

    mutating func handlePrompt(key: Key) -> [Effect] {
        for outcome in state.matcher.feed(key, in: .prompt, keymap: environment.keymap) {
            guard var prompt = state.prompt else { return [] }
            switch outcome {
            case .action(.cancel):
                state.prompt = nil
                state.pendingTarget = nil
                return []
            case .action(.submit):
                return submitPrompt()
            case .action:
                break
            case .unbound(let k):
                if k == .tab, prompt.kind == .command {
                    let (text, choices) = ConsoleCommandLine.complete(prompt.input.text, customers: Array(state.overview.customerNames.keys),
                                                                      themes: environment.themeNames)
                    prompt.input = TextInput(text)
                    prompt.hint = choices.isEmpty ? nil : choices.joined(separator: " ")
                } else {
                    prompt.input.handle(k)
                    prompt.hint = nil
                }
                prompt.error = nil
                state.prompt = prompt
                revalidatePrompt()
            }
        }
        return []
    }

    /// Re-checks the filter as it is typed, so the error shows before Enter.
    mutating func revalidatePrompt() {
        guard var prompt = state.prompt, prompt.kind == .filter else { return }
        switch state.top {
        case .queue, .incidents: break
        default: return // plain text: nothing to get wrong
        }
        if case .incidents = state.top {
            prompt.error = Self.incidentFilter(prompt.input.text, customers: customerLookup, me: environment.analyst, now: now).1
        } else {
            prompt.error = FilterQuery.parse(prompt.input.text, customers: customerLookup, me: environment.analyst).error
        }
        state.prompt = prompt
    }

    mutating func submitPrompt() -> [Effect] {
        guard let prompt = state.prompt else { return [] }
        let text = prompt.input.text
        switch prompt.kind {
        case .filter:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if case .endpoints(let screen) = state.top {
                state.prompt = nil
                state.withEndpoints(screen.token) { s in
                    s.queryText = trimmed
                    s.selected = 0
                }
                return reloadTop()
            }
            if case .outbox(let screen) = state.top {
                state.prompt = nil
                state.withOutbox(screen.token) { s in
                    s.queryText = trimmed
                    s.selected = 0
                }
                return refreshTop()
            }
            if case .incidents(let screen) = state.top {
                let (filter, error) = Self.incidentFilter(text, customers: customerLookup, me: environment.analyst, now: now)
                if let error { state.prompt?.error = error; return [] }
                state.prompt = nil
                state.withIncidents(screen.token) { s in
                    s.queryText = trimmed
                    s.filter = filter
                    s.selected = 0
                }
                return reloadIncidents(token: screen.token)
            }
            let (query, error) = FilterQuery.parse(text, customers: customerLookup, me: environment.analyst)
            if let error {
                state.prompt?.error = error
                return []
            }
            state.prompt = nil
            return applyFilter(text.trimmingCharacters(in: .whitespaces), query: query)
        case .command:
            state.prompt = nil
            return runCommand(text.trimmingCharacters(in: .whitespaces))
        case .escalateComment:
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                let refusal = environment.labels("an escalation needs a comment")
                state.prompt?.error = refusal
                return []
            }
            state.prompt = nil
            return submitEscalate(comment: text)
        case let .endpointNote(customer, address, status):
            state.prompt = nil
            return submitEndpointStatus(customer: customer, address: address, status: status, note: text)
        case .confirmNote:
            state.prompt = nil
            return submitConfirm(note: text)
        case .incidentNote, .closeComment, .reopenComment, .onSiteNote, .joinComment:
            return submitIncidentPrompt(prompt.kind, text: text)
        case .holdReason, .cancelReason:
            return submitOutboxPrompt(prompt.kind, text: text)
        }
    }
}
