import CNcursesw
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one Swift file that talks to the C signal flags. The flags are `static` in the
/// shim header, so every object file calling them would get its own copy; keeping every
/// call here keeps one flag.
enum SignalGuard {
    /// Installs SIGINT/SIGTERM/SIGHUP flag handlers, crash handlers that restore the
    /// terminal, and an exit hook that restores it when something calls `exit()`.
    static func install() {
        _ = toban_install_signal_handlers()
        installExitHookOnce()
    }

    static func cursesStarted() { toban_set_curses_active(1) }

    /// Calls `endwin` if curses is active; returns whether it did.
    @discardableResult
    static func endCurses() -> Bool {
        let wasActive = toban_curses_active() != 0
        toban_endwin_if_active()
        return wasActive
    }

    static func takePendingSignal() -> Int32? {
        let s = toban_take_pending_signal()
        return s == 0 ? nil : s
    }

    static func hasPendingSignal() -> Bool { toban_peek_pending_signal() != 0 }

    private static let exitHook: Void = {
        atexit { toban_endwin_if_active() }
    }()

    private static func installExitHookOnce() { _ = exitHook }
}
