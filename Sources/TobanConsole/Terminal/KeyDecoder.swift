import CNcursesw

/// Maps what `get_wch` returns to a `Key`. Separate from the driver so it is testable
/// without a terminal.
struct KeyDecoder: Sendable {
    /// ncurses' KEY_* codes (fixed numbers in practice; read from the headers to be sure).
    struct Codes: Sendable {
        var up, down, left, right, pageUp, pageDown, home, end: Int32
        var enter, backspace, delete, backTab, resize, f0: Int32

        static let ncurses = Codes(
            up: toban_key_up(), down: toban_key_down(), left: toban_key_left(), right: toban_key_right(),
            pageUp: toban_key_ppage(), pageDown: toban_key_npage(), home: toban_key_home(), end: toban_key_end(),
            enter: toban_key_enter(), backspace: toban_key_backspace(), delete: toban_key_dc(),
            backTab: toban_key_btab(), resize: toban_key_resize(), f0: toban_key_f(0))
    }

    var codes: Codes = .ncurses

    /// A character `get_wch` returned with OK.
    func decode(character value: UInt32) -> Key? {
        switch value {
        case 0x1B: return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace // terminals disagree on which one Backspace sends
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(0x60 + value)!))
        case 0x00, 0x1C...0x1F, 0x80...0x9F: return nil // no meaning here; never inserted as text
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// A key code `get_wch` returned with KEY_CODE_YES.
    func decode(keyCode code: Int32) -> Key? {
        switch code {
        case codes.up: return .up
        case codes.down: return .down
        case codes.left: return .left
        case codes.right: return .right
        case codes.pageUp: return .pageUp
        case codes.pageDown: return .pageDown
        case codes.home: return .home
        case codes.end: return .end
        case codes.enter: return .enter
        case codes.backspace: return .backspace
        case codes.delete: return .delete
        case codes.backTab: return .backTab
        case codes.resize: return .resize
        case (codes.f0 + 1)...(codes.f0 + 24): return .function(Int(code - codes.f0))
        default: return nil
        }
    }
}
