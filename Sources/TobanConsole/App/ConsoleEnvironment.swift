import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TobanCore
import TobanStore

/// What the console model needs from outside: the store, who is at the keyboard, the
/// keymap, the clock (injected so tests can move time), and terminal capabilities.
public struct ConsoleEnvironment {
    public var store: TobanStore
    /// The analyst's login: every action is audited under this name.
    public var analyst: String
    public var keymap: Keymap
    /// Stamps actions and undo windows; the time on screen comes through `tick`.
    public var clock: any TobanClock
    /// Block glyphs and stars are safe to draw (UTF-8 locale).
    public var unicode: Bool
    /// The locale can show text beyond ASCII (Japanese names); without it the console says
    /// the same in ASCII (a customer's id for its name), never blanks.
    public var utf8Text: Bool = true
    public var borders: BorderSet
    /// Rows per store query.
    public var pageSize: Int
    /// Most queue rows held at once; scrolling further drops rows at the other end.
    public var windowLimit: Int
    /// How long `u` may undo the last action.
    public var undoWindow: TimeInterval
    /// Switches the terminal's theme; returns an error text, nil on success.
    public var switchTheme: ((String) -> String?)?
    /// Theme names offered by `:theme` completion.
    public var themeNames: [String]
    /// Each customer's confirmation deadlines (the header counts down to the nearest).
    public var deadlines: ConfirmationDeadlines
    /// Who is on call at an instant, one short label per layer ("analyst suzuki").
    public var onCall: (@Sendable (Date) -> [String])?
    /// Exact previews and immediate assembly of confirmed items (nil: the stored text).
    public var outbox: (any OutboxDriver)?
    /// Runs the analyst's editor on a file (nil: editing is not available here).
    public var editor: EditorLauncher?
    /// Analysts' logins, offered when assigning an incident.
    public var analysts: [String]
    /// Days a ★★★ notice keeps the on-site response (駆け付け) window open.
    public var onSiteWindowDays: Int
    /// Ring the bell on a new page.
    public var bell: Bool
    /// Whether a customer's sensors are in planned maintenance (silence then is no gap).
    public var inMaintenance: (@Sendable (_ customer: String, _ at: Date) -> Bool)?
    /// Where ingest writes the lines it cannot use.
    public var quarantinePath: String?
    /// The console's one language for hints and prompts.
    public var labels = Labels()

    public init(store: TobanStore, analyst: String, clock: any TobanClock, keymap: Keymap = .defaults, unicode: Bool = true,
                borders: BorderSet = .boxDrawing, pageSize: Int = 200, windowLimit: Int = 600,
                undoWindow: TimeInterval = 10, switchTheme: ((String) -> String?)? = nil,
                themeNames: [String] = ["dark", "light", "high-contrast", "mono"], deadlines: ConfirmationDeadlines = ConfirmationDeadlines(),
                onCall: (@Sendable (Date) -> [String])? = nil, outbox: (any OutboxDriver)? = nil, editor: EditorLauncher? = nil,
                analysts: [String] = [], onSiteWindowDays: Int = 30, bell: Bool = true) {
        self.store = store
        self.analyst = analyst
        self.keymap = keymap
        self.clock = clock
        self.unicode = unicode
        self.borders = borders
        self.pageSize = max(10, pageSize)
        self.windowLimit = max(self.pageSize * 2, windowLimit)
        self.undoWindow = undoWindow
        self.switchTheme = switchTheme
        self.themeNames = themeNames
        self.deadlines = deadlines
        self.onCall = onCall
        self.outbox = outbox
        self.editor = editor
        self.analysts = analysts
        self.onSiteWindowDays = onSiteWindowDays
        self.bell = bell
    }

    /// The login name: `$USER`, else the password database, else the uid.
    public static func loginName(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let u = environment["USER"], !u.isEmpty { return u }
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid\(getuid())"
    }
}
