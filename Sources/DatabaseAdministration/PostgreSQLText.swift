/// The bits of PostgreSQL's text syntax Cairn writes itself: libpq connection strings, quoted
/// identifiers, and error text made safe to show.
enum PostgreSQLText {
    /// A value for a libpq `keyword=value` connection string: always single-quoted, with `\` and `'`
    /// escaped by a backslash, so a space, quote or `=` in a host, database or user name cannot
    /// start another keyword.
    static func conninfoValue(_ value: String) -> String {
        var quoted = "'"
        for character in value {
            if character == "\\" || character == "'" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted.append("'")
        return quoted
    }

    /// A libpq connection string from `(keyword, value)` pairs, in order.
    static func conninfo(_ parameters: [(String, String)]) -> String {
        parameters.map { "\($0.0)=\(conninfoValue($0.1))" }.joined(separator: " ")
    }

    /// An SQL identifier in double quotes with every `"` doubled, so any role name is taken literally
    /// (case, spaces, quotes and backslashes included) and cannot end the statement.
    static func quotedIdentifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// The marker put where a secret was.
    static let redactionMarker = "[REDACTED]"

    /// `text` with every occurrence of each non-empty secret replaced by ``redactionMarker``, longest
    /// secrets first so a secret that contains another (a verifier contains its salt) goes whole;
    /// then cut to its last `maxUTF8Bytes` bytes, on a character boundary.
    ///
    /// Redaction runs before the cut: cutting first could leave the end of a secret at the start of
    /// the kept text, where it would no longer match.
    static func redactedTail(_ text: String, secrets: [String], maxUTF8Bytes: Int) -> String {
        var redacted = text
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.utf8.count > $1.utf8.count }) {
            redacted = redacted.replacingAll(secret, with: redactionMarker)
        }
        guard redacted.utf8.count > maxUTF8Bytes else { return redacted }
        // Walk back from the end a character at a time while the tail, with its ellipsis, still fits.
        let ellipsis = "…"
        var start = redacted.endIndex
        var keptBytes = ellipsis.utf8.count
        while start > redacted.startIndex {
            let previous = redacted.index(before: start)
            let size = redacted[previous..<start].utf8.count
            guard keptBytes + size <= maxUTF8Bytes else { break }
            keptBytes += size
            start = previous
        }
        return ellipsis + redacted[start...]
    }
}

extension String {
    /// `self` with every non-overlapping occurrence of `target`, left to right, replaced by `replacement`.
    ///
    /// Written out (rather than Foundation's `replacingOccurrences`) so matching is on exact UTF-8
    /// bytes: a secret must be found whatever Unicode normalisation the surrounding text has.
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        let haystack = Array(utf8)
        let needle = Array(target.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return self }
        var result: [UInt8] = []
        result.reserveCapacity(haystack.count)
        var index = 0
        while index < haystack.count {
            if index + needle.count <= haystack.count, haystack[index] == needle[0],
                haystack[index..<index + needle.count].elementsEqual(needle)
            {
                result.append(contentsOf: replacement.utf8)
                index += needle.count
            } else {
                result.append(haystack[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
