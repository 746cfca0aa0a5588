import Testing
@testable import TobanConsole
import TobanTestSupport

@Suite struct KeyDecoderTests {
    let d = KeyDecoder()

    @Test func controlCharacters() {
        #expect(d.decode(character: 0x1B) == .escape)
        #expect(d.decode(character: 0x0D) == .enter)
        #expect(d.decode(character: 0x0A) == .enter)
        #expect(d.decode(character: 0x09) == .tab)
        #expect(d.decode(character: 0x7F) == .backspace)
        #expect(d.decode(character: 0x08) == .backspace)
        #expect(d.decode(character: 0x06) == .ctrl("f"))
        #expect(d.decode(character: 0x15) == .ctrl("u"))
        #expect(d.decode(character: 0x17) == .ctrl("w"))
        #expect(d.decode(character: 0x00) == nil)
        #expect(d.decode(character: 0x9B) == nil) // C1 CSI is never a key
    }

    @Test func printableCharacters() {
        #expect(d.decode(character: 0x6A) == .character("j"))
        #expect(d.decode(character: 0x20) == .character(" "))
        #expect(d.decode(character: 0x682A) == .character("株"))
        #expect(d.decode(character: 0xD800) == nil) // a surrogate is not a scalar
    }

    @Test func keyCodes() {
        let c = KeyDecoder.Codes.ncurses
        #expect(d.decode(keyCode: c.up) == .up)
        #expect(d.decode(keyCode: c.down) == .down)
        #expect(d.decode(keyCode: c.pageDown) == .pageDown)
        #expect(d.decode(keyCode: c.pageUp) == .pageUp)
        #expect(d.decode(keyCode: c.home) == .home)
        #expect(d.decode(keyCode: c.end) == .end)
        #expect(d.decode(keyCode: c.backspace) == .backspace)
        #expect(d.decode(keyCode: c.delete) == .delete)
        #expect(d.decode(keyCode: c.backTab) == .backTab)
        #expect(d.decode(keyCode: c.enter) == .enter)
        #expect(d.decode(keyCode: c.resize) == .resize)
        #expect(d.decode(keyCode: c.f0 + 1) == .function(1))
        #expect(d.decode(keyCode: c.f0 + 9) == .function(9))
        #expect(d.decode(keyCode: c.f0 + 24) == .function(24))
        #expect(d.decode(keyCode: c.f0) == nil)
        #expect(d.decode(keyCode: 0) == nil)
    }
}
