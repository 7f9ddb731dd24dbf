import Hashing
import Testing

@Suite struct PBKDF2Tests {
    /// RFC 7914 section 11, the first PBKDF2-HMAC-SHA256 vector (its second, c = 80000, takes too long
    /// in a debug build; the c = 4096 cases below cover long chains instead).
    @Test func rfc7914FirstVector() {
        let key = PBKDF2.hmacSHA256(password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, derivedKeyByteCount: 64)
        #expect(
            Hex.encode(key)
                == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
    }

    /// Expected values from Python on this machine: `hashlib.pbkdf2_hmac('sha256', P, S, c, dkLen).hex()`.
    /// Together they cover several output blocks, a length that is not a whole block, a key shorter than
    /// one block, and NUL bytes in password and salt.
    @Test(
        arguments: [
            (
                "Password", "NaCl", 4096, 64,
                "438b6f1df76520b1c9989ddf976545b40f1ab4d9da723a81aa5083108b0da61f"
                    + "e1a2be306bc4e96259eaefdeb066a3bf6ecfa07de966472029831582717d7e6a"
            ),
            ("password", "salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
            (
                "passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40,
                "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"
            ),
            ("pass\0word", "sa\0lt", 4096, 16, "89b69d0516f829893c696226650a8687"),
        ])
    func pythonComputedVectors(password: String, salt: String, iterations: Int, length: Int, expected: String) {
        let key = PBKDF2.hmacSHA256(
            password: Array(password.utf8), salt: Array(salt.utf8), iterations: iterations, derivedKeyByteCount: length)
        #expect(Hex.encode(key) == expected)
    }
}
