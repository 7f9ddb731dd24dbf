import DatabaseAdministration
import Foundation
import Testing

@Suite struct SCRAMVerifierTests {
    /// Computed independently with Python's standard library on this machine:
    ///
    ///     pw = b'Cairn-Test-Password-1'; salt = bytes(range(16))
    ///     sp = hashlib.pbkdf2_hmac('sha256', pw, salt, 4096)
    ///     ck = hmac.new(sp, b'Client Key', hashlib.sha256).digest()
    ///     sk = hashlib.sha256(ck).digest()
    ///     sv = hmac.new(sp, b'Server Key', hashlib.sha256).digest()
    ///     f"SCRAM-SHA-256$4096:{b64(salt)}${b64(sk)}:{b64(sv)}"   # b64 = base64.b64encode(x).decode()
    static let pinnedVerifier =
        "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$ShO+psL7JIvC+WrsuKVyv0ADmRUKOzXeCbcVHDtNo5Q=:AWxxALLGQCW49gHeZVDUBPB6I8EuX01SMSwZf75CfVM="

    @Test func fixedSaltMatchesAnIndependentComputation() {
        let verifier = SCRAMSHA256Verifier(password: "Cairn-Test-Password-1", salt: Array(0..<16))
        #expect(verifier.iterations == 4096)
        #expect(verifier.encoded == Self.pinnedVerifier)
    }

    @Test func randomSaltsDifferAndHaveSixteenBytes() {
        let first = SCRAMSHA256Verifier(password: "same")
        let second = SCRAMSHA256Verifier(password: "same")
        #expect(first.salt.count == 16)
        #expect(first.salt != second.salt)
        #expect(first.storedKey != second.storedKey)
        // Same salt, same keys: the salt is the only randomness.
        #expect(SCRAMSHA256Verifier(password: "same", salt: first.salt) == first)
    }

    @Test func encodedFormHasPostgreSQLsShape() throws {
        let encoded = SCRAMSHA256Verifier(password: "p").encoded
        let pattern = try Regex(#"^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$"#)
        #expect(encoded.wholeMatch(of: pattern) != nil, "\(encoded)")
    }
}
