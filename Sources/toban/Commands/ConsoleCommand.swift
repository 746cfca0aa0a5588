import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TobanConsole
import TobanCore
import TobanStore

/// `toban` / `toban console` — the analysts' keyboard console.
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the on-duty console (the default when no subcommand is given).",
        discussion: """
        Keys: j/k move, Enter open, Esc/q back, / filter, : command, ? help. The theme comes from --theme, the \
        configuration's console.theme, $XDG_CONFIG_HOME/toban/themes/ or the repository's themes/. \
        NO_COLOR, TERM and the locale decide colours and borders.
        """)

    @OptionGroup var options: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Theme name (dark, light, high-contrast, mono) or a theme file.", valueName: "name|file"))
    var theme: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let loaded = try options.loadConfiguration(environment: environment)
        if let loaded, !loaded.problems.isEmpty { throw ConfigurationError(problems: loaded.problems) }
        let configuration = loaded?.configuration
        let path = options.storePath(configuration: configuration, environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no store at \(path) (run `toban ingest` first, or pass --store)")
        }
        let store: TobanStore
        do { store = try TobanStore(path: path) } catch {
            throw ValidationError("cannot open the store at \(path): \(error)")
        }

        let configFile = loaded?.path ?? "(defaults)"
        let (keymap, keyProblems) = Keymap.load(overrides: configuration?.console.keys, file: configFile, keyPath: "keys")
        if !keyProblems.isEmpty { throw ConfigurationError(problems: keyProblems) }

        let parse: ThemeLocator.Parse = { text, _ in try TOMLConverter.parse(text) }
        let locator = ThemeLocator(environment: environment)
        let themeName = theme ?? configuration?.console.theme ?? "dark"
        let (chosen, themeProblems, _) = locator.load(themeName, parse: parse)
        for p in themeProblems { FileHandle.standardError.write(Data("toban: \(p)\n".utf8)) }

        // A parent may have left signals blocked (a blocked SIGWINCH would hide every resize).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in [SIGWINCH, SIGINT, SIGTERM, SIGHUP] { sigaddset(&unblock, sig) }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)

        let clock = SystemClock()
        let terminal: NcursesTerminal
        do { terminal = try NcursesTerminal(theme: chosen, clock: clock, environment: environment) } catch {
            throw ValidationError("\(error)")
        }
        let unicode = terminal.borders.isUnicode
        let switchTheme: (String) -> String? = { name in
            let (t, problems, _) = locator.load(name, parse: parse)
            if let p = problems.first { return p.reason }
            terminal.palette = t.palette(for: terminal.depth)
            return nil
        }
        var env = ConsoleEnvironment(store: store, analyst: ConsoleEnvironment.loginName(environment: environment), clock: clock, keymap: keymap,
                                     unicode: unicode, borders: terminal.borders, switchTheme: switchTheme)
        env.editor = EditorWiring.launcher(environment: environment)
        env.utf8Text = BorderSet.localeIsUTF8(environment: environment)
        env.quarantinePath = configuration?.ingest.quarantinePath ?? path + ".quarantine.jsonl"
        env.labels = Labels(ConsoleLanguage(rawValue: configuration?.console.language ?? "en") ?? .en)
        env.bell = configuration?.console.bell ?? true
        if let configuration {
            let calendars = Dictionary(configuration.customers.map { ($0.id, CustomerCalendar(customer: $0)) }, uniquingKeysWith: { a, _ in a })
            env.inMaintenance = { customer, at in calendars[customer]?.isInMaintenance(at) ?? false }
            env.deadlines = NotifyWiring.deadlines(configuration)
            env.onCall = NotifyWiring.onCallLabels(configuration)
            env.analysts = configuration.analysts.map(\.login)
            env.onSiteWindowDays = configuration.onCall.escalation.onSiteWindowDays
            // Without a usable notification side (a template that does not load), the
            // console still works, with the stored text for previews.
            if let dispatcher = try? NotifyWiring.dispatcher(store: store, configuration: configuration, clock: clock, environment: environment) {
                env.outbox = ConsoleOutboxDriver(store: store, dispatcher: dispatcher, configuration: configuration)
            }
        }
        var model = ConsoleModel(environment: env)
        let runtime = ConsoleRuntime<ConsoleModel>(idleTimeoutMs: 100)
        let poller = StorePoller(store: store, inbox: runtime.inbox, clock: clock)
        BackgroundFailures.attach(runtime.inbox)
        let reason = runtime.run(&model, on: terminal) // restores the terminal on every exit path
        BackgroundFailures.attach(nil)
        poller.cancel()
        if case .signal(let s) = reason, s != SIGINT { throw ExitCode(128 + s) }
    }
}
