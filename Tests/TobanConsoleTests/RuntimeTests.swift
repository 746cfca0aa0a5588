import Foundation
import Testing
@testable import TobanConsole
import TobanTestSupport

/// A small app in the shape the real screens will have: keys through the keymap and the
/// sequence matcher, messages from background work, a list with a selection.
struct CounterApp: ConsoleApp {
    enum Message: Sendable { case arrived(Int), tick }

    var items: [String] = ["alpha", "bravo", "charlie", "delta"]
    var selected = 0
    var arrivals = 0
    var lastArrival = 0
    var size = TerminalSize(width: 0, height: 0)
    var matcher = KeySequenceMatcher()
    var keymap = Keymap.defaults
    var updates = 0

    mutating func update(_ event: ConsoleEvent<Message>) -> [ConsoleEffect<Message>] {
        updates += 1
        switch event {
        case .resized(let s):
            size = s
            return []
        case .message(.arrived(let n)):
            arrivals += 1
            lastArrival = n
            return []
        case .message(.tick):
            return []
        case .key(let key):
            var effects: [ConsoleEffect<Message>] = []
            for outcome in matcher.feed(key, in: .queue, keymap: keymap) {
                guard case .action(let action) = outcome else { continue }
                switch action {
                case .moveDown: selected = min(items.count - 1, selected + 1)
                case .moveUp: selected = max(0, selected - 1)
                case .top: selected = 0
                case .bottom: selected = items.count - 1
                case .quit: effects.append(.quit)
                case .refresh: effects.append(.repaint)
                case .acknowledge:
                    let name = items[selected]
                    effects.append(.background { inbox in inbox.post(.arrived(name.count)) })
                default: break
                }
            }
            return effects
        }
    }

    func render(into grid: inout CellGrid) {
        grid.put("size \(size) arrivals \(arrivals)", row: 0, col: 0)
        for (i, item) in items.enumerated() {
            grid.put((i == selected ? "> " : "  ") + item, row: i + 1, col: 0, role: i == selected ? .selection : .text)
        }
    }
}

@Suite struct RuntimeTests {
    @Test func scriptedKeysDriveTheModelAndTheScreen() {
        let term = RecordingTerminal(size: TerminalSize(width: 30, height: 6), script: [
            .key(.character("j")), .key(.character("j")), .idle, .key(.character("k")),
            .key(.character("G")), .key(.character("g")), .key(.character("g")), .key(.character("j")),
            .idle, .key(.character("Q")),
        ])
        var app = CounterApp()
        let runtime = ConsoleRuntime<CounterApp>()
        let reason = runtime.run(&app, on: term)
        #expect(reason == .quit)
        #expect(app.selected == 1)
        #expect(term.screenText == "size 30×6 arrivals 0\n  alpha\n> bravo\n  charlie\n  delta\n")
        #expect(term.shutdownCount == 1)
    }

    @Test func keysArrivingTogetherAreOneFrame() {
        let term = RecordingTerminal(script: [.key(.character("j")), .key(.character("j")), .key(.character("j")), .idle, .key(.character("Q"))])
        var app = CounterApp()
        let runtime = ConsoleRuntime<CounterApp>()
        _ = runtime.run(&app, on: term)
        // first frame, then one frame for the three typed-ahead keys; quitting draws nothing
        #expect(term.drawCount == 2)
        #expect(app.selected == 3)
    }

    @Test func endOfInputEndsTheLoopAndRestoresTheTerminal() {
        let term = RecordingTerminal(script: [.key(.character("j"))]) // then EOF
        var app = CounterApp()
        #expect(ConsoleRuntime<CounterApp>().run(&app, on: term) == .endOfInput)
        #expect(term.shutdownCount == 1)
    }

    @Test func signalEndsTheLoop() {
        let term = RecordingTerminal(script: [.key(.character("j")), .signal(15), .key(.character("j"))])
        var app = CounterApp()
        #expect(ConsoleRuntime<CounterApp>().run(&app, on: term) == .signal(15))
        #expect(app.selected == 1) // the key after the signal was never processed
        #expect(term.shutdownCount == 1)
    }

    @Test func resizeIsDeliveredAndRedrawsEverything() {
        let term = RecordingTerminal(size: TerminalSize(width: 20, height: 5),
                                     script: [.idle, .resize(TerminalSize(width: 40, height: 8)), .idle, .key(.character("Q"))])
        var app = CounterApp()
        _ = ConsoleRuntime<CounterApp>().run(&app, on: term)
        #expect(app.size == TerminalSize(width: 40, height: 8))
        #expect(term.lastGrid?.width == 40 && term.lastGrid?.height == 8)
        #expect(term.changedCellsPerDraw.last == 40 * 8)
    }

    @Test func idleLoopSleepsInReadKeyAndDoesNotRedraw() {
        let term = RecordingTerminal(script: Array(repeating: .idle, count: 20) + [.key(.character("Q"))])
        var app = CounterApp()
        let runtime = ConsoleRuntime<CounterApp>(idleTimeoutMs: 250)
        _ = runtime.run(&app, on: term)
        #expect(term.drawCount == 1) // nothing changed after the first frame
        #expect(term.readTimeouts.prefix(20).allSatisfy { $0 == 250 })
    }

    @Test func burstOfPostedMessagesCoalescesIntoFewFrames() {
        let term = RecordingTerminal(size: TerminalSize(width: 40, height: 6))
        let runtime = ConsoleRuntime<CounterApp>()
        let inbox = runtime.inbox
        term.enqueue(.perform {
            // 1000 messages from 4 threads at once, like a store poll finding a backlog.
            DispatchQueue.concurrentPerform(iterations: 4) { t in
                for i in 0..<250 { inbox.post(.arrived(t * 250 + i)) }
            }
        }, .idle, .key(.character("Q")))
        var app = CounterApp()
        _ = runtime.run(&app, on: term)
        #expect(app.arrivals == 1000)
        #expect(inbox.postedCount == 1000)
        #expect(term.drawCount <= 3, "drew \(term.drawCount) frames for one burst")
        #expect(term.screenText.hasPrefix("size 40×6 arrivals 1000"))
    }

    @Test func backgroundEffectPostsBackToTheLoop() {
        let term = RecordingTerminal(eofWhenScriptEnds: false)
        term.enqueue(.key(.character("a")))
        for _ in 0..<200 { term.enqueue(.perform { Thread.sleep(forTimeInterval: 0.005) }) }
        term.enqueue(.key(.character("Q")))
        var app = CounterApp()
        _ = ConsoleRuntime<CounterApp>(idleTimeoutMs: 5).run(&app, on: term)
        #expect(app.arrivals == 1)
        #expect(app.lastArrival == "alpha".count)
    }

    @Test func repaintEffectInvalidatesTheTerminal() {
        let term = RecordingTerminal(script: [.key(.character("j")), .idle, .key(.ctrl("l")), .idle, .key(.character("Q"))])
        var app = CounterApp()
        _ = ConsoleRuntime<CounterApp>().run(&app, on: term)
        #expect(term.invalidateCount == 1)
        #expect(term.drawCount == 3)
        // the move changed a few cells; the repaint sent every cell although nothing changed
        #expect(term.changedCellsPerDraw[1] < 20)
        #expect(term.changedCellsPerDraw[2] == 80 * 24)
    }

    @Test func postsFromAnyThreadAreDrainedInOrder() {
        let inbox = Inbox<Int>()
        for i in 0..<100 { inbox.post(i) }
        #expect(inbox.drain() == Array(0..<100))
        #expect(inbox.drain().isEmpty)
        #expect(inbox.isEmpty)
    }

    /// The ticker waits on its clock: nothing before time passes, one post per interval.
    @Test func tickerPostsAtEachIntervalOfItsClock() {
        let clock = ManualClock()
        let inbox = Inbox<Int>()
        let ticker = Ticker(every: .milliseconds(10), clock: clock, inbox: inbox) { 7 }
        #expect(eventually { clock.waiters == 1 })
        #expect(inbox.drain().isEmpty)
        for _ in 0..<3 {
            let waits = clock.waitsBegun
            clock.advance(by: .milliseconds(10))
            #expect(eventually { clock.waitsBegun > waits })
        }
        ticker.cancel()
        #expect(inbox.drain() == [7, 7, 7])
    }
}
