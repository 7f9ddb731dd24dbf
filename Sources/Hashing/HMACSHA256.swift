/// HMAC with SHA-256 (RFC 2104), the MAC behind AWS Signature Version 4.
public enum HMACSHA256 {
    /// The 32-byte HMAC-SHA256 of `message` under `key`; keys longer than one block are hashed first.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        // RFC 2104: a key longer than the block becomes its digest, then every key is zero-padded to the block.
        var blockKey = key.count > SHA256.blockByteCount ? SHA256.hash(key) : key
        blockKey.append(contentsOf: repeatElement(0, count: SHA256.blockByteCount - blockKey.count))

        var inner = SHA256()
        inner.update(blockKey.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = SHA256()
        outer.update(blockKey.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }
}
