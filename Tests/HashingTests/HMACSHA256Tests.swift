import Hashing
import Testing

@Suite struct HMACSHA256Tests {
    @Test func everyRFC4231CaseInTheFileMatches() throws {
        let vectors = try HashVectors.load()
        let records = try #require(vectors.groups["hmac_sha256_rfc4231"], "no \"hmac_sha256_rfc4231\" array in \(HashVectors.path)")
        // RFC 4231 has seven cases; the file carries all of them, so fewer means the file changed under us.
        #expect(records.count == 7, "expected RFC 4231 cases 1 to 7, found \(records.count)")
        for record in records {
            let name = "RFC 4231 case \(record.int("rfc4231_case") ?? -1)"
            let key = try #require(record.string("key_hex").flatMap(Hex.decode), "\(name): key_hex")
            let data = try #require(record.string("data_hex").flatMap(Hex.decode), "\(name): data_hex")
            let expected = try #require(record.string("hmac_sha256"), "\(name): hmac_sha256")
            let code = HMACSHA256.authenticationCode(key: key, message: data)
            #expect(code.count == 32, "\(name): length")
            // Case 5 publishes only the first 128 bits of the code.
            let compared = record.int("truncated_to_bytes").map { Array(code.prefix($0)) } ?? code
            #expect(Hex.encode(compared) == expected, "\(name)")
        }
    }

    @Test func signingKeyDerivationChains() throws {
        let vectors = try HashVectors.load()
        let records = try #require(
            vectors.groups["sigv4_signing_key_derivation"], "no \"sigv4_signing_key_derivation\" array in \(HashVectors.path)")
        #expect(records.count >= 3, "expected the file's SigV4 signing-key chains, found \(records.count)")
        for record in records {
            let secret = try #require(record.string("secret"))
            let date = try #require(record.string("date"))
            let region = try #require(record.string("region"))
            let service = try #require(record.string("service"))
            let name = "\(date)/\(region)/\(service)"
            let kDate = HMACSHA256.authenticationCode(key: Array("AWS4\(secret)".utf8), message: Array(date.utf8))
            let kRegion = HMACSHA256.authenticationCode(key: kDate, message: Array(region.utf8))
            let kService = HMACSHA256.authenticationCode(key: kRegion, message: Array(service.utf8))
            let kSigning = HMACSHA256.authenticationCode(key: kService, message: Array("aws4_request".utf8))
            #expect(Hex.encode(kDate) == record.string("kDate"), "\(name): kDate")
            #expect(Hex.encode(kRegion) == record.string("kRegion"), "\(name): kRegion")
            #expect(Hex.encode(kService) == record.string("kService"), "\(name): kService")
            #expect(Hex.encode(kSigning) == record.string("kSigning"), "\(name): kSigning")
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 200])
    func keyLengthsAroundTheBlockSize(keyLength: Int) {
        // A key of exactly one block is used as is; one byte more is hashed first, so it must equal
        // the HMAC under its digest.
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        let message = Array("message".utf8)
        let code = HMACSHA256.authenticationCode(key: key, message: message)
        #expect(code.count == SHA256.digestByteCount)
        if keyLength > SHA256.blockByteCount {
            #expect(code == HMACSHA256.authenticationCode(key: SHA256.hash(key), message: message))
        } else {
            // Zero padding is part of the algorithm, so explicit trailing zeros up to the block change nothing.
            let padded = key + [UInt8](repeating: 0, count: SHA256.blockByteCount - keyLength)
            #expect(code == HMACSHA256.authenticationCode(key: padded, message: message))
        }
    }

    @Test func emptyKeyAndMessage() {
        // CPython: hmac.new(b"", b"", hashlib.sha256).hexdigest()
        #expect(
            Hex.encode(HMACSHA256.authenticationCode(key: [], message: []))
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
