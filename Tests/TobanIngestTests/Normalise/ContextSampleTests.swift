import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// The one-line examples an endpoint's timeline shows, per kind of context event: what
/// the endpoint did, seen from the endpoint (the peer is the other side, and its port).
@Suite struct ContextSampleTests {
    let endpoint = IPAddress("10.0.0.5")!
    let peer = IPAddress("203.0.113.9")!

    func event(_ kind: ContextKind, outbound: Bool = true, _ fill: (inout ParsedEvent) -> Void = { _ in }) -> ParsedEvent {
        var e = ParsedEvent(kind: .context(kind))
        e.sourceIP = outbound ? endpoint : peer
        e.destinationIP = outbound ? peer : endpoint
        e.sourcePort = outbound ? 50_000 : 443
        e.destinationPort = outbound ? 443 : 50_000
        fill(&e)
        return e
    }

    func summary(_ kind: ContextKind, outbound: Bool = true, _ fill: (inout ParsedEvent) -> Void = { _ in }) -> String {
        let sample = EventNormaliser.contextSample(event(kind, outbound: outbound, fill), kind: kind, endpoint: endpoint,
                                                   time: Date(timeIntervalSince1970: 0))
        #expect(sample.peer == peer)
        return sample.summary
    }

    @Test func eachKindSummarisesWhatTheEndpointDid() {
        #expect(summary(.dns) { $0.dnsQuery = "login.example.org" } == "dns login.example.org")
        #expect(summary(.dns) == "dns ?")
        #expect(summary(.http) { $0.httpHost = "cdn.example.net"; $0.url = "/a.exe"; $0.userAgent = "curl/8" }
                == "http cdn.example.net/a.exe UA=curl/8")
        #expect(summary(.http) { $0.url = "/x" } == "http 203.0.113.9/x")
        #expect(summary(.tls) { $0.tlsSNI = "login.example.com" } == "tls sni=login.example.com → 203.0.113.9:443")
        #expect(summary(.tls, outbound: false) == "tls sni=- → 203.0.113.9:443") // the peer's port, seen from the endpoint
        #expect(summary(.fileinfo) { $0.fileName = "a.exe"; $0.fileHash = "d41d8cd9" } == "file a.exe d41d8cd9")
        #expect(summary(.ssh) == "ssh → 203.0.113.9:443")
        #expect(summary(.flow) { $0.transport = "TCP" } == "TCP → 203.0.113.9:443")
        #expect(summary(.conn) { $0.destinationPort = nil } == "flow → 203.0.113.9")
        #expect(summary(.other) == "event")
    }

    /// Ingest writes a summary where its bucket keeps it (no sample made): what the bucket
    /// keeps is the sample `contextSample` makes, escape sequences and all.
    @Test func theBucketKeepsTheSummaryAsContextSampleMakesIt() {
        let events: [(ContextKind, ParsedEvent)] = [
            (.dns, event(.dns) { $0.dnsQuery = "a.example" }),
            (.tls, event(.tls, outbound: false) { $0.tlsSNI = "b.example" }),
            (.other, event(.other) { $0.message = "ログイン \u{1B}[2J" }),
            (.http, event(.http) { $0.url = "/x" }),
        ]
        var acc = BatchAccumulator(aggregationWindow: 600)
        var expected: [ContextSample] = []
        for (i, (kind, e)) in events.enumerated() {
            let time = Date(timeIntervalSince1970: 7200 + Double(i))
            acc.add(context: kind, customerID: "acme", endpoint: endpoint, time: time, peer: EventNormaliser.peer(e, endpoint: endpoint)) {
                EventNormaliser.writeSummary(e, kind: kind, endpoint: endpoint, to: &$0)
            }
            expected.append(EventNormaliser.contextSample(e, kind: kind, endpoint: endpoint, time: time))
        }
        let batch = acc.take(checkpoints: [], context: true)
        #expect(batch.context.count == 1)
        #expect(batch.context.first?.samples == expected)
        #expect(expected[2].summary == "ログイン \u{1B}[2J" && expected[2].peer == peer)
    }

    /// The peer and its port are written straight into the summary's bytes.
    @Test func peersAndPortsAreWrittenInFull() {
        func flow(peer: String?, port: UInt16?) -> String {
            var e = ParsedEvent(kind: .context(.flow))
            e.sourceIP = endpoint
            e.destinationIP = peer.flatMap(IPAddress.init)
            e.destinationPort = port
            e.transport = "UDP"
            return EventNormaliser.contextSample(e, kind: .flow, endpoint: endpoint, time: Date(timeIntervalSince1970: 0)).summary
        }
        #expect(flow(peer: "203.0.113.9", port: 0) == "UDP → 203.0.113.9:0")
        #expect(flow(peer: "255.255.255.255", port: 65_535) == "UDP → 255.255.255.255:65535")
        #expect(flow(peer: "1.2.3.4", port: 10) == "UDP → 1.2.3.4:10")
        #expect(flow(peer: "2001:db8::1", port: 53) == "UDP → 2001:db8::1:53")
        #expect(flow(peer: nil, port: 9) == "UDP → ?:9")
    }
}
