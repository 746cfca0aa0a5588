import CNcursesw
import Foundation
import TobanCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotInitialise(term: String)

    public var description: String {
        switch self {
        case .notATerminal: return "standard input and output must be a terminal (use `toban` over ssh -t)"
        case .cannotInitialise(let term): return "cannot start the terminal (TERM=\(term.isEmpty ? "unset" : term))"
        }
    }
}

/// The real terminal, through ncursesw.
///
/// Only this type calls curses. It draws `CellGrid` diffs, so a frame where one counter
/// changed writes a handful of cells over SSH, not the whole screen.
public final class NcursesTerminal: TerminalDriver {
    public private(set) var size: TerminalSize
    /// Colours the terminal reports (terminfo `colors`), 0 without colour support.
    public let reportedColors: Int
    public let depth: ColorDepth
    public let borders: BorderSet
    public var palette: Palette {
        didSet { styleCache = [:]; invalidate() }
    }

    private var previous: CellGrid?
    /// The locale is not UTF-8: curses would show nothing for other characters, so each
    /// is drawn as `?` (one per cell it takes) and nothing goes blank.
    private let asciiOnly: Bool
    private var styleCache: [Style: (attrs: attr_t, pair: Int32)] = [:]
    private var active = true
    private var quickErrors = 0
    private var wcharBuffer = [wchar_t](repeating: 0, count: 8)
    private let decoder = KeyDecoder()
    private let directColor: Bool
    private let wakePipe = WakePipe()
    /// Measures how long a read waited (a hung-up terminal returns at once).
    private let clock: any TobanClock

    /// Starts curses on the controlling terminal and resolves `theme` for it.
    public init(theme: Theme = BuiltinThemes.dark, clock: any TobanClock,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.clock = clock
        asciiOnly = !BorderSet.localeIsUTF8(environment: environment)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        // Wide characters need the user's (UTF-8) locale before curses starts.
        setlocale(LC_ALL, "")
        SignalGuard.install()
        guard toban_newterm() != nil else { throw TerminalError.cannotInitialise(term: environment["TERM"] ?? "") }
        SignalGuard.cursesStarted()
        let screen = toban_stdscr()
        cbreak()
        noecho()
        nonl() // Enter arrives as CR, distinct from Ctrl-J
        keypad(screen, true)
        intrflush(screen, false)
        leaveok(screen, true) // the cursor is hidden; don't spend bytes moving it
        set_escdelay(25) // Esc must feel instant; SSH keeps escape sequences together anyway
        curs_set(0)
        var colors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(toban_colors())
        }
        reportedColors = colors
        directColor = colors >= 1 << 24
        depth = ColorDepth.detect(environment: environment, reportedColors: colors)
        borders = BorderSet.choose(environment: environment, depth: depth)
        palette = theme.palette(for: depth)
        var h: Int32 = 0, w: Int32 = 0
        toban_getmaxyx(screen, &h, &w)
        size = TerminalSize(width: Int(w), height: Int(h))
    }

    deinit { shutdown() }

    public func shutdown() {
        guard active else { return }
        active = false
        // Terminals without an alternate screen (TERM=linux, vt100) would keep the last frame
        // after quitting: clear it first (with one, the cleared screen is discarded anyway).
        werase(toban_stdscr())
        wnoutrefresh(toban_stdscr())
        doupdate()
        curs_set(1)
        SignalGuard.endCurses()
    }

    public func invalidate() { previous = nil }

    public func bell() { beep() }

    public func suspend() {
        guard active else { return }
        def_prog_mode()
        endwin()
    }

    public func resume() {
        guard active else { return }
        reset_prog_mode()
        clearok(toban_stdscr(), true)
        refresh()
        previous = nil
    }

    public func takeInterruption() -> Int32? { SignalGuard.takePendingSignal() }

    public func makeWaker() -> (@Sendable () -> Void)? {
        guard let pipe = wakePipe else { return nil }
        return { pipe.wake() }
    }

    // MARK: - Output

    public func draw(_ grid: CellGrid) {
        guard active else { return }
        let screen = toban_stdscr()
        if previous == nil || previous?.width != grid.width || previous?.height != grid.height {
            werase(screen)
            clearok(screen, true) // the terminal may hold anything (resize, Ctrl-L): repaint it all
        }
        for change in grid.diff(from: previous) {
            if change.cell.isContinuation {
                // Only the right half changed (a restyle): redraw the wide character itself.
                if change.col > 0, grid[change.row, change.col - 1].isWide {
                    drawCell(grid[change.row, change.col - 1], row: change.row, col: change.col - 1)
                }
                continue
            }
            drawCell(change.cell, row: change.row, col: change.col)
        }
        wnoutrefresh(screen)
        doupdate()
        previous = grid
    }

    private func drawCell(_ cell: Cell, row: Int, col: Int) {
        let (attrs, pair) = cursesStyle(palette[cell.role])
        // A cchar_t is one spacing character plus non-spacing ones. Emoji ZWJ sequences put
        // spacing characters after a ZWJ; ncurses (and many terminals) would spill those into
        // the next cells and wreck the row, so only the base and its zero-width marks are
        // sent: a family emoji shows as its first person, in the right two cells.
        if asciiOnly, !cell.character.isASCII {
            for offset in 0..<(cell.isWide ? 2 : 1) {
                var placeholder: [wchar_t] = [wchar_t(63), 0] // "?"
                _ = placeholder.withUnsafeMutableBufferPointer { buf in
                    toban_mvadd_wchstr(Int32(row), Int32(col + offset), buf.baseAddress, attrs, pair)
                }
            }
            return
        }
        var n = 0
        for scalar in cell.character.unicodeScalars {
            if n == Int(toban_ccharw_max()) { break } // a mark pile-up cannot grow the cell
            if n > 0 && (scalar.value == 0x200D || DisplayWidth.of(scalar) != 0) { break }
            wcharBuffer[n] = wchar_t(bitPattern: scalar.value)
            n += 1
        }
        wcharBuffer[n] = 0
        _ = wcharBuffer.withUnsafeBufferPointer { buf in
            // ERR at the bottom-right corner is expected (the cursor cannot advance); the cell is drawn.
            toban_mvadd_wchstr(Int32(row), Int32(col), buf.baseAddress, attrs, pair)
        }
    }

    private func cursesStyle(_ style: Style) -> (attrs: attr_t, pair: Int32) {
        if let cached = styleCache[style] { return cached }
        var attrs = toban_a_normal()
        if style.attributes.contains(.bold) { attrs |= toban_a_bold() }
        if style.attributes.contains(.dim) { attrs |= toban_a_dim() }
        if style.attributes.contains(.reverse) { attrs |= toban_a_reverse() }
        if style.attributes.contains(.underline) { attrs |= toban_a_underline() }
        if style.attributes.contains(.italic) { attrs |= toban_a_italic() }
        var pair: Int32 = 0
        if depth > .mono {
            let fg = colorNumber(style.fg), bg = colorNumber(style.bg)
            if fg != -1 || bg != -1 {
                // alloc_pair reuses an existing pair for the same colours and recycles the
                // least recently used one when the table is full.
                let p = alloc_pair(fg, bg)
                pair = p < 0 ? 0 : p
            }
        }
        styleCache[style] = (attrs, pair)
        return (attrs, pair)
    }

    private func colorNumber(_ color: Color) -> Int32 {
        switch color.fitted(to: depth) {
        case .default: return -1
        case .index(let i): return Int32(i) < Int32(reportedColors) || directColor ? Int32(i) : -1
        case .rgb(let r, let g, let b):
            // Direct-colour terminfo (xterm-direct) takes 0xRRGGBB as the colour number.
            return directColor ? Int32(r) << 16 | Int32(g) << 8 | Int32(b) : -1
        }
    }

    // MARK: - Input

    public func readKey(timeoutMs: Int) -> Key? {
        guard active else { return .eof }
        let screen = toban_stdscr()
        var timeoutMs = timeoutMs
        if timeoutMs > 0, let wakePipe {
            // Keys curses has buffered already first; then wait for input or a wake-up
            // (a posted message), then read with the time left.
            wtimeout(screen, 0)
            var value: wint_t = 0
            let status = toban_get_wch(&value)
            if status != toban_err() { return decoded(status: status, value: value, screen: screen) }
            let started = clock.uptime
            if wakePipe.wait(input: STDIN_FILENO, timeoutMs: timeoutMs) { return nil }
            if SignalGuard.hasPendingSignal() { return nil }
            let elapsedMs = Int((clock.uptime - started).timeInterval * 1000)
            let left = timeoutMs - elapsedMs
            // Input is ready (or gone): read it, with enough time for an escape sequence.
            timeoutMs = left <= 0 ? 0 : max(left, 20)
        }
        wtimeout(screen, Int32(max(0, timeoutMs)))
        var value: wint_t = 0
        toban_clear_errno()
        let started = clock.uptime
        let status = toban_get_wch(&value)
        if status == toban_err() {
            let err = toban_errno()
            if SignalGuard.hasPendingSignal() || err == toban_eintr() { return nil }
            if err == toban_eio() { return .eof }
            // A hung-up pty makes every read return at once. A timeout that returns long
            // before it should, again and again, means the input is gone.
            let elapsedMs = Int((clock.uptime - started).timeInterval * 1000)
            if timeoutMs >= 20 && elapsedMs < timeoutMs / 2 {
                quickErrors += 1
                if quickErrors >= 5 || isatty(STDIN_FILENO) != 1 || getppid() == 1 { return .eof }
            } else {
                quickErrors = 0
            }
            return nil
        }
        quickErrors = 0
        return decoded(status: status, value: value, screen: screen)
    }

    private func decoded(status: Int32, value: wint_t, screen: UnsafeMutablePointer<WINDOW>?) -> Key? {
        if status == toban_key_code_yes() {
            let key = decoder.decode(keyCode: Int32(value))
            if key == .resize {
                var h: Int32 = 0, w: Int32 = 0
                toban_getmaxyx(screen, &h, &w)
                size = TerminalSize(width: Int(w), height: Int(h))
                previous = nil
            }
            return key
        }
        return decoder.decode(character: UInt32(value))
    }
}
