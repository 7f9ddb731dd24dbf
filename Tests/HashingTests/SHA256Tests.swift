import Hashing
import HistoryTesting
import Testing

@Suite struct SHA256Tests {
    @Test func everyFileVectorMatches() throws {
        let vectors = try HashVectors.load()
        let records = try #require(vectors.groups["sha256"], "no \"sha256\" array in \(HashVectors.path)")
        #expect(records.count >= 10, "expected the file's SHA-256 vectors, found \(records.count)")
        for record in records {
            let description = record.string("desc") ?? "?"
            let text = try #require(record.string("text"), "vector \(description) has no text")
            let expected = try #require(record.string("sha256"), "vector \(description) has no sha256")
            let message = [UInt8](repeatElement(Array(text.utf8), count: record.int("repeat") ?? 1).joined())
            if let length = record.int("length_bytes") {
                #expect(message.count == length, "\(description): length")
            }
            #expect(SHA256.hexDigest(message) == expected, "\(description)")
        }
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func nistExamples(text: String, digest: String) {
        #expect(SHA256.hexDigest(Array(text.utf8)) == digest)
    }

    @Test func oneMillionA() {
        let message = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(SHA256.hexDigest(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // The same message in 1000-byte pieces through the incremental interface.
        var hasher = SHA256()
        for _ in 0..<1000 { hasher.update([UInt8](repeating: 0x61, count: 1000)) }
        #expect(Hex.encode(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [1, 3, 7, 63, 64, 65, 127, 1000])
    func incrementalOddChunksEqualOneShot(chunkSize: Int) {
        var generator = SeededRandom(seed: UInt64(chunkSize))
        for length in [0, 1, 55, 56, 64, 119, 500, 4099] {
            let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            var hasher = SHA256()
            var start = 0
            while start < message.count {
                let end = min(start + chunkSize, message.count)
                message[start..<end].withUnsafeBytes { hasher.update($0) }
                start = end
            }
            #expect(hasher.finalize() == SHA256.hash(message), "length \(length), chunk \(chunkSize)")
        }
    }

    @Test func emptyUpdatesChangeNothing() {
        var hasher = SHA256()
        hasher.update([])
        hasher.update(Array("ab".utf8))
        hasher.update([])
        hasher.update(Array("c".utf8))
        #expect(Hex.encode(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func digestIs32Bytes() {
        #expect(SHA256.hash(Array("x".utf8)).count == 32)
    }
}
