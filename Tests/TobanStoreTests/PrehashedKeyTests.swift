import Testing
@testable import TobanStore

/// The writer's keys hash by the word they carry, and still behave as keys: equal keys
/// meet, different ones stay apart, however their words relate.
@Suite struct PrehashedKeyTests {
    @Test func dictionariesUseTheCarriedWord() {
        let key = EndpointSignals.Key(customerID: "acme", endpoint: "10.0.0.5")
        // `hashValue` is `_rawHashValue(seed: 0)`: the carried word mixed, not SipHash over it
        // (which it would be if the protocol's implementation were not the one in use).
        #expect(key.hashValue == prehashedValue(key.hashWord, seed: 0))
        let group = QueueAggregates.GroupKey(.customer, key: "acme", keyHash: 7, customer: "acme", customerHash: 7, urgency: 1)
        #expect(group.hashValue == prehashedValue(group.hashWord, seed: 0))
        #expect(Set([group]).contains(group))
        #expect(key._rawHashValue(seed: 1) != key._rawHashValue(seed: 2), "the table's seed is mixed in")
    }

    @Test func groupsAtEveryUrgencyAreDistinctKeysOfOneTotal() {
        let strings = QueueAggregates.TallyStrings(signatureID: "2013028", endpoint: "10.0.0.5", customer: "acme")
        let groups = (1...5).map {
            QueueAggregates.GroupKey(.signature, key: strings.signatureID, keyHash: strings.signatureHash, customer: strings.customer,
                                     customerHash: strings.customerHash, urgency: $0)
        }
        // Words one apart (the urgency is added last) must not share buckets or compare equal.
        var counts: [QueueAggregates.GroupKey: Int] = [:]
        for (i, g) in groups.enumerated() { counts[g, default: 0] += i + 1 }
        for (i, g) in groups.enumerated() { counts[g, default: 0] += i + 1 }
        #expect(counts.count == 5 && groups.enumerated().allSatisfy { counts[$0.element] == 2 * ($0.offset + 1) })
        #expect(Set(groups.map(\.total)).count == 1)
        let endpoint = QueueAggregates.GroupKey(.endpoint, key: strings.endpoint, keyHash: strings.endpointHash, customer: strings.customer,
                                                customerHash: strings.customerHash, urgency: 1)
        #expect(endpoint.total != groups[0].total)
    }

    /// A signature renamed between detections keeps both names: one id's word, two keys.
    @Test func aSignatureNameIsPartOfItsKey() {
        let strings = QueueAggregates.TallyStrings(signatureID: "2013028", endpoint: "10.0.0.5", customer: "acme")
        let names: Set = ["ET POLICY curl", "ET POLICY curl User-Agent", "ET POLICY curl"].map {
            QueueAggregates.NameKey(id: strings.signatureID, name: $0, hashWord: strings.signatureHash)
        }.reduce(into: Set<QueueAggregates.NameKey>()) { $0.insert($1) }
        #expect(names.map(\.name).sorted() == ["ET POLICY curl", "ET POLICY curl User-Agent"])
    }

    /// Equality never trusts the word alone: two keys forced onto one word stay apart.
    @Test func equalWordsStillCompareTheirText() {
        let a = OpenAggregates.Key(hash: 1, check: 42), b = OpenAggregates.Key(hash: 2, check: 42)
        #expect(a.hashValue == b.hashValue && a != b)
        let set: Set = [a, b, OpenAggregates.Key(hash: 1, check: 42)]
        #expect(set.count == 2)
    }
}
