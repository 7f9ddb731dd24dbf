import Foundation
import Hashing

/// A SCRAM-SHA-256 password verifier (RFC 5802, RFC 7677) in the form PostgreSQL keeps in
/// `pg_authid.rolpassword`, computed here so the plaintext password never reaches the server (nor its
/// statement log).
///
/// The verifier is not the password, but it is secret all the same: anyone holding it can mount an
/// offline guessing attack on the password or pose as the server, so it is never logged either.
///
/// Passwords are used as their UTF-8 bytes. PostgreSQL normalises them with SASLprep first; for ASCII
/// (every password Cairn generates) SASLprep is the identity, so the result is the same. A non-ASCII
/// password is hashed without SASLprep normalisation, and a client that normalises it before logging in
/// (libpq does) may then fail to authenticate.
public struct SCRAMSHA256Verifier: Sendable, Hashable {
    /// PostgreSQL's default iteration count (`scram_iterations`, `SCRAM_SHA_256_DEFAULT_ITERATIONS`).
    public static let defaultIterations = 4096
    /// PostgreSQL's salt length in bytes (`SCRAM_DEFAULT_SALT_LEN`).
    public static let saltByteCount = 16

    /// The PBKDF2 iteration count.
    public let iterations: Int
    /// The random salt.
    public let salt: [UInt8]
    /// `StoredKey = SHA256(HMAC(SaltedPassword, "Client Key"))`: what the server checks a client proof against.
    public let storedKey: [UInt8]
    /// `ServerKey = HMAC(SaltedPassword, "Server Key")`: what the server proves itself with.
    public let serverKey: [UInt8]

    /// The verifier for `password` with an explicit `salt`; tests pin the salt to compare with known values.
    public init(password: String, salt: [UInt8], iterations: Int = defaultIterations) {
        // RFC 5802 section 3: SaltedPassword := Hi(Normalize(password), salt, i), and Hi is PBKDF2 with
        // HMAC as the PRF and the digest's length as dkLen.
        let saltedPassword = PBKDF2.hmacSHA256(
            password: Array(password.utf8), salt: salt, iterations: iterations, derivedKeyByteCount: SHA256.digestByteCount)
        let clientKey = HMACSHA256.authenticationCode(key: saltedPassword, message: Array("Client Key".utf8))
        self.iterations = iterations
        self.salt = salt
        self.storedKey = SHA256.hash(clientKey)
        self.serverKey = HMACSHA256.authenticationCode(key: saltedPassword, message: Array("Server Key".utf8))
    }

    /// The verifier for `password` with a fresh 16-byte salt from the system's secure random source.
    public init(password: String, iterations: Int = defaultIterations) {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(password: password, salt: salt, iterations: iterations)
    }

    /// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, the text PostgreSQL's `scram_build_secret`
    /// writes and `ALTER ROLE ... PASSWORD` accepts as already encrypted.
    public var encoded: String {
        "SCRAM-SHA-256$\(iterations):\(Self.base64(salt))$\(Self.base64(storedKey)):\(Self.base64(serverKey))"
    }

    /// Every piece of the verifier as it could appear in text, longest first, for redaction.
    var secretFragments: [String] {
        [encoded, Self.base64(storedKey), Self.base64(serverKey), Self.base64(salt)]
    }

    /// Standard base64 with padding, as PostgreSQL's `pg_b64_encode` writes it.
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
