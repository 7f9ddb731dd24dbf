/// PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA256 as the pseudorandom function, the key stretching
/// behind SCRAM-SHA-256 password verifiers.
public enum PBKDF2 {
    /// The first `derivedKeyByteCount` bytes PBKDF2-HMAC-SHA256 derives from `password` and `salt` in `iterations` rounds.
    ///
    /// - Precondition: `iterations` and `derivedKeyByteCount` are positive, and the key needs fewer than
    ///   2^32 blocks (RFC 8018's "derived key too long" limit).
    public static func hmacSHA256(password: [UInt8], salt: [UInt8], iterations: Int, derivedKeyByteCount: Int) -> [UInt8] {
        precondition(iterations > 0, "PBKDF2 needs at least one iteration")
        precondition(derivedKeyByteCount > 0, "PBKDF2 derives at least one byte")
        let blockCount = (derivedKeyByteCount + SHA256.digestByteCount - 1) / SHA256.digestByteCount
        precondition(blockCount <= Int(UInt32.max), "PBKDF2 derived key too long")

        var derived: [UInt8] = []
        derived.reserveCapacity(blockCount * SHA256.digestByteCount)
        for index in 1...blockCount {
            // T_i = U_1 xor U_2 xor ... xor U_c, where U_1 = PRF(P, S || INT(i)) and U_j = PRF(P, U_{j-1}).
            let blockNumber = UInt32(index)
            var u = HMACSHA256.authenticationCode(
                key: password,
                message: salt + [
                    UInt8(truncatingIfNeeded: blockNumber >> 24), UInt8(truncatingIfNeeded: blockNumber >> 16),
                    UInt8(truncatingIfNeeded: blockNumber >> 8), UInt8(truncatingIfNeeded: blockNumber),
                ])
            var block = u
            for _ in 1..<iterations {
                u = HMACSHA256.authenticationCode(key: password, message: u)
                for position in block.indices { block[position] ^= u[position] }
            }
            derived.append(contentsOf: block)
        }
        return Array(derived.prefix(derivedKeyByteCount))
    }
}
