import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

private func detect(_ text: String) -> SourceFormat? {
    Array(text.utf8).withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
}

@Suite("Format detection")
struct FormatDetectorTests {
    @Test("synthetic first lines", arguments: [
        (#"{"timestamp":"2026-01-01T00:00:00Z","event_type":"flow"}"#, SourceFormat.suricataEVE),
        (#"{"ts":1.5,"uid":"C1","id.orig_h":"10.0.0.1"}"#, .zeekJSON),
        (#"{"_path":"conn","ts":"2026-01-01T00:00:00Z"}"#, .zeekJSON),
        (#"{"preview":false,"offset":0,"result":{"_raw":"{}"}}"#, .zeekJSON),
        ("#separator \\x09\n#set_separator\t,\n", .zeekTSV),
        ("CEF:0|V|P|1|1|N|1|src=1.2.3.4", .cef),
        ("<134>Feb 14 19:04:54 fw CEF:0|V|P|1|1|N|1|src=1.2.3.4", .cef),
        ("<134>1 2026-01-01T00:00:00Z fw app - - - CEF:0|V|P|1|1|N|1|", .cef),
        ("<34>Feb  4 11:14:27 1.2.3.4 apache_server: test message", .syslog),
        ("\n\n   \nDec 13 11:35:28 host prog[1]: text", .syslog),
        ("", nil),
    ])
    func synthetic(text: String, want: SourceFormat?) {
        #expect(detect(text) == want)
    }

    @Test("corpus files are detected as their directory says", .enabled(if: corpusAvailable))
    func corpus() throws {
        let root = try #require(corpusRoot)
        let expectations: [(String, SourceFormat)] = [
            ("suricata-eve/elastic-integrations/test-eve-small.log", .suricataEVE),
            ("suricata-eve/elastic-beats/eve-alerts.log", .suricataEVE),
            ("zeek/elastic-integrations/test-conn.log", .zeekJSON),
            ("zeek/elastic-integrations/test-weird.log", .zeekJSON),
            ("zeek/maccdc2012-00016-zeek/stats.log", .zeekJSON),
            ("zeek/brimdata-zed/conn.log", .zeekTSV),
            ("zeek/zeek-btest-baselines/opt.basic/dns.log", .zeekTSV),
            ("cef/elastic-beats/samples.log", .cef),
            ("cef/elastic-beats/checkpoint.log", .cef),
            ("cef/elastic-integrations/test-fp-ngfw-smc.log", .cef),
            ("syslog/tenzir/syslog.log", .syslog),
            ("syslog/elastic-beats-system/darwin-syslog-sample.log", .syslog),
            ("syslog/dynatrace-otel-collector/rfc6587-octet-counting", .syslog),
        ]
        for (file, want) in expectations {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            let got = [UInt8](data.prefix(65536)).withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
            #expect(got == want, "\(file)")
        }
    }
}
