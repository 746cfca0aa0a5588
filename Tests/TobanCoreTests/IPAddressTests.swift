import Testing
@testable import TobanCore
import TobanTestSupport

@Suite struct IPAddressTests {
    @Test func parsesIPv4AndPrintsIt() {
        let a = IPAddress("192.168.10.5")
        #expect(a?.description == "192.168.10.5")
        #expect(a?.isIPv4 == true)
        #expect(a?.ipv4Value == 0xC0A8_0A05)
    }

    @Test(arguments: ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "", "a.b.c.d", "1.2.3.4 "])
    func rejectsBadIPv4(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func parsesIPv6FormsToCanonicalText() {
        // Suricata writes fully expanded addresses; Zeek writes compressed ones.
        #expect(IPAddress("fe80:0000:0000:0000:0000:0000:0000:0001")?.description == "fe80::1")
        #expect(IPAddress("2001:DB8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("::ffff:10.1.2.3")?.description == "10.1.2.3") // mapped v4 is v4
        #expect(IPAddress("64:ff9b::192.0.2.33")?.description == "64:ff9b::c000:221")
    }

    @Test(arguments: ["1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":1:2", "1:2:3:4:5:6:7:", "g::1", "::1.2.3"])
    func rejectsBadIPv6(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func cidrContainsBothFamilies() throws {
        let v4 = try CIDR(parsing: "10.0.0.0/8")
        #expect(v4.contains(IPAddress("10.255.1.2")!))
        #expect(!v4.contains(IPAddress("11.0.0.1")!))
        #expect(v4.description == "10.0.0.0/8")
        let v6 = try CIDR(parsing: "fd00::/8")
        #expect(v6.contains(IPAddress("fd12:3456::1")!))
        #expect(!v6.contains(IPAddress("fe80::1")!))
        #expect(!v6.contains(IPAddress("10.0.0.1")!))
        let host = try CIDR(parsing: "192.0.2.7")
        #expect(host.contains(IPAddress("192.0.2.7")!))
        #expect(!host.contains(IPAddress("192.0.2.8")!))
        #expect(try CIDR(parsing: "0.0.0.0/0").contains(IPAddress("8.8.8.8")!))
    }

    @Test func cidrErrorsSayWhy() {
        #expect(throws: CIDR.ParseError.badPrefix("10.0.0.0/33")) { try CIDR(parsing: "10.0.0.0/33") }
        #expect(throws: CIDR.ParseError.hostBitsSet("10.0.0.1/8")) { try CIDR(parsing: "10.0.0.1/8") }
        #expect(throws: CIDR.ParseError.badAddress("10.0.0/8")) { try CIDR(parsing: "10.0.0/8") }
    }

    /// IPv4 text is written digit by digit (ingest renders one per event): every octet
    /// value in every position reads back as the same address, in dotted-decimal form.
    @Test func ipv4DescriptionIsDottedDecimal() {
        for octet in 0...255 {
            let parts = [octet, 255 - octet, octet % 7, (octet * 37) % 256]
            let text = parts.map(String.init).joined(separator: ".")
            let address = IPAddress(text)!
            #expect(address.description == text)
            #expect(IPAddress(address.description) == address)
        }
        #expect(IPAddress("0.0.0.0")!.description == "0.0.0.0")
        #expect(IPAddress("255.255.255.255")!.description == "255.255.255.255")
    }

    /// The aggregation key's text is stored with every detection and compared when folding:
    /// its form must not change.
    @Test func aggregationKeyTextIsStable() {
        let key = AggregationKey(customerID: "acme", sensor: "sensor-acme-0", signatureID: "2030358",
                                 sourceIP: IPAddress("10.0.0.5"), destinationIP: IPAddress("2001:db8::1"))
        #expect(key.text == "acme|sensor-acme-0|2030358|10.0.0.5|2001:db8::1")
        let bare = AggregationKey(customerID: "unassigned", sensor: "s", signatureID: "x", sourceIP: nil, destinationIP: nil)
        #expect(bare.text == "unassigned|s|x|-|-")
    }
}
